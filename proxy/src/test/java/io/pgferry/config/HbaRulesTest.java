package io.pgferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.config.HbaRules.Connection;
import io.pgferry.config.HbaRules.Decision;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HbaRulesTest {
    private static final IdentMaps MAPS = IdentMaps.parse("ident.conf", """
            # MAP   CERTIFICATE CN            USER
            certs   alice                     app_admin
            certs   /^(.*)\\.svc\\.example\\.com$   \\1
            """);
    private static final HbaRules RULES = HbaRules.parse("hba.conf", """
            # TYPE  DATABASE   USER        ADDRESS          METHOD
            local   all        all                          trust
            hostssl app,other  alice       10.0.0.0/8       scram-sha-256
            host    all        alice       10.1.2.3         reject   # one host of that range refused when not TLS
            hostnossl app      bob         192.168.0.0/16   md5
            host    all        all         ::1/128          password
            host    reports    carol       all              trust
            """, null);

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void theFirstMatchingLineDecidesAndNoneRefuses() throws Exception {
        assertEquals(Decision.TRUST, RULES.decide(Connection.LOCAL, null, "app", "anyone"));
        assertEquals(Decision.SCRAM_SHA_256, RULES.decide(Connection.HOST_SSL, ip("10.1.2.3"), "other", "alice"));
        assertEquals(Decision.REJECT, RULES.decide(Connection.HOST_NO_SSL, ip("10.1.2.3"), "app", "alice"));
        assertTrue(RULES.anyMatches(Connection.HOST_NO_SSL, ip("10.1.2.3"), "app", "alice"), "a reject line matched");
        assertEquals(Decision.MD5, RULES.decide(Connection.HOST_NO_SSL, ip("192.168.7.7"), "app", "bob"));
        assertEquals(Decision.REJECT, RULES.decide(Connection.HOST_SSL, ip("192.168.7.7"), "app", "bob"),
                "hostnossl does not match TLS");
        assertFalse(RULES.anyMatches(Connection.HOST_SSL, ip("192.168.7.7"), "app", "bob"));
        assertEquals(Decision.PASSWORD, RULES.decide(Connection.HOST_NO_SSL, ip("::1"), "x", "y"));
        assertEquals(Decision.REJECT, RULES.decide(Connection.HOST_NO_SSL, ip("127.0.0.1"), "x", "y"),
                "an IPv4 client is not in an IPv6 range");
        assertEquals(Decision.TRUST, RULES.decide(Connection.HOST_SSL, ip("203.0.113.9"), "reports", "carol"));
    }

    @Test
    void whatPgferryCannotApplyIsRefusedAtLoadWithItsLine() {
        Map<String, String> refused = Map.of(
                "host all +admins 10.0.0.0/8 trust", "hba.conf:1: user +admins: group and file entries are not supported; list the names",
                "host @dbs all 10.0.0.0/8 trust", "hba.conf:1: database @dbs: group and file entries are not supported; list the names",
                "host all all db.example.com trust", "hba.conf:1: address db.example.com: give an IP address or CIDR range (host names, samehost and samenet are not supported)",
                "host all all 10.0.0.0/8 ldap", "hba.conf:1: method ldap is not supported (trust, reject, password, md5, scram-sha-256, cert)",
                "host all all 10.0.0.0/8 cert", "hba.conf:1: client certificates are checked on hostssl lines only",
                "hostssl all all 10.0.0.0/8 md5 clientcert=verify-ca map=certs", "hba.conf:1: map= applies to the cert method and clientcert=verify-full",
                "hostssl all all 10.0.0.0/8 cert map=nope", "hba.conf:1: map nope is not in the ident-file",
                "hostgssenc all all 10.0.0.0/8 trust", "hba.conf:1: the connection type must be local, host, hostssl or hostnossl, not hostgssenc",
                "host all all trust", "hba.conf:1: expected host DATABASE USER ADDRESS METHOD",
                "host all all 10.0.0.0/33 trust", "hba.conf:1: address 10.0.0.0/33: the prefix length is out of range");
        refused.forEach((line, message) -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, () -> HbaRules.parse("hba.conf", line, MAPS)).getMessage()));
    }

    @Test
    void certificateChecksComeFromTheMatchingLine() throws Exception {
        HbaRules rules = HbaRules.parse("hba.conf", """
                hostssl all alice 10.0.0.0/8 cert
                hostssl all bob   10.0.0.0/8 md5 clientcert=verify-ca
                hostssl all all   10.0.0.0/8 scram-sha-256
                """, null);
        assertEquals(Decision.CERT, rules.decide(Connection.HOST_SSL, ip("10.0.0.1"), "db", "alice"));
        assertEquals(HbaRules.CertificateCheck.VERIFY_FULL,
                rules.certificateCheck(Connection.HOST_SSL, ip("10.0.0.1"), "db", "alice"));
        assertEquals(HbaRules.CertificateCheck.VERIFY_CA,
                rules.certificateCheck(Connection.HOST_SSL, ip("10.0.0.1"), "db", "bob"));
        assertEquals(HbaRules.CertificateCheck.NONE,
                rules.certificateCheck(Connection.HOST_SSL, ip("10.0.0.1"), "db", "carol"));
    }

    @Test
    void aMapLetsACertificateLogInAsTheUsersItNames() throws Exception {
        HbaRules rules = HbaRules.parse("hba.conf", """
                hostssl all app_admin,billing 10.0.0.0/8 cert map=certs
                hostssl all all               10.0.0.0/8 cert
                """, MAPS);
        java.net.InetAddress client = ip("10.0.0.1");
        assertTrue(rules.certificateNameAccepted(Connection.HOST_SSL, client, "db", "app_admin", "alice"));
        assertTrue(rules.certificateNameAccepted(Connection.HOST_SSL, client, "db", "billing",
                "billing.svc.example.com"), "a regular expression's group becomes the user");
        assertFalse(rules.certificateNameAccepted(Connection.HOST_SSL, client, "db", "billing", "alice"));
        assertFalse(rules.certificateNameAccepted(Connection.HOST_SSL, client, "db", "app_admin", "app_admin"),
                "a mapped line accepts only what its map says");
        assertTrue(rules.certificateNameAccepted(Connection.HOST_SSL, client, "db", "carol", "carol"),
                "without a map the CN is the user");
        assertFalse(rules.certificateNameAccepted(Connection.HOST_SSL, client, "db", "carol", "alice"));
        assertEquals("hba.conf:1: map=certs needs pgferry.ident-file", assertThrows(IllegalArgumentException.class,
                () -> HbaRules.parse("hba.conf", "hostssl all all 10.0.0.0/8 cert map=certs", null)).getMessage());
        assertEquals("hba.conf:1: option pam_use_hostname=1 is not supported (clientcert=verify-ca or verify-full, "
                + "map=NAME)", assertThrows(IllegalArgumentException.class, () -> HbaRules.parse("hba.conf",
                "hostssl all all 10.0.0.0/8 md5 pam_use_hostname=1", MAPS)).getMessage());
        assertEquals("i.conf:1: expected MAP SYSTEM-USERNAME DATABASE-USERNAME", assertThrows(
                IllegalArgumentException.class, () -> IdentMaps.parse("i.conf", "certs alice")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IdentMaps.parse("i.conf", "m /(x u"))
                .getMessage().startsWith("i.conf:1: invalid regular expression /(x"));
    }
}
