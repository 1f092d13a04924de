package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pgferry.config.ConfigLoader;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * hba rules (PgBouncer's auth_hba_file) with real clients: pgjdbc over TLS and without, psql on the Unix socket;
 * the first matching line decides, no line refuses with PostgreSQL's wording and 28000, and a reload applies new
 * rules to new logins while a connected client stays (issue 27, item 3).
 */
@ExtendWith(PostgresExtension.class)
class HbaIT {

    @Test
    void theFirstMatchingLineDecidesAndAReloadAppliesNewRules(PostgresServer server, @TempDir Path directory)
            throws Exception {
        Path hba = Files.writeString(directory.resolve("hba.conf"), """
                local     all  all                    trust
                hostssl   all  alice    127.0.0.1/32  scram-sha-256
                host      all  alice    127.0.0.1/32  reject
                host      all  md5_user 127.0.0.1/32  password
                """);
        String extra = "pgferry.hba-file = \"" + hba + "\"\npgferry.listen-unix = \"" + directory + "\"";
        try (TestProxy proxy = TestProxy.start(server, extra)) {
            try (Connection tls = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "sslmode=require")) {
                assertEquals("1", SessionPoolingIT.single(tls, "SELECT 1"));
            }
            assertEquals("28000 pg_hba.conf rejects connection for host \"127.0.0.1\", user \"alice\", database "
                    + "\"app\", SSL off", refusal(proxy, TestProxy.APP_USER, TestProxy.APP_PASSWORD));
            assertEquals("28000 no pg_hba.conf entry for host \"127.0.0.1\", user \"scram_user\", database \"app\", "
                    + "SSL off", refusal(proxy, PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password));
            try (Connection cleartext = proxy.connect("app", PostgresServer.Role.MD5.user,
                    PostgresServer.Role.MD5.password, "sslmode=disable")) {
                assertEquals("1", SessionPoolingIT.single(cleartext, "SELECT 1"), "password: cleartext asked");
            }
            ClientTools.Result local = ClientTools.run("not-the-password", List.of("psql", "-X", "-At", "-h",
                    directory.toString(), "-p", String.valueOf(proxy.port()), "-U", TestProxy.APP_USER, "-d", "app",
                    "-c", "select 7"));
            assertEquals("7", local.output().strip(), "local trust: " + local.output());

            try (Connection stays = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                    "sslmode=require")) {
                Files.writeString(hba, "host all all 127.0.0.1/32 scram-sha-256\n");
                proxy.proxy().reload(ConfigLoader.fromConfig(ConfigFactory.parseString(extra)
                        .withFallback(ConfigFactory.parseString(TestProxy.hocon(server)))));
                try (Connection now = proxy.connect("app", PostgresServer.Role.SCRAM.user,
                        PostgresServer.Role.SCRAM.password, "sslmode=disable")) {
                    assertEquals("1", SessionPoolingIT.single(now, "SELECT 1"), "the new rules let it in");
                }
                assertEquals("1", SessionPoolingIT.single(stays, "SELECT 1"), "a connected client is not dropped");
            }
        }
    }

    private static String refusal(TestProxy proxy, String user, String password) {
        SQLException refused = assertThrows(SQLException.class,
                () -> proxy.connect("app", user, password, "sslmode=disable"));
        String message = refused.getMessage();
        assertTrue(message.startsWith("FATAL: "), message);
        return refused.getSQLState() + " " + message.substring("FATAL: ".length());
    }

    /**
     * Client certificates (issue 27, item 4): the cert method logs alice in with the certificate the test CA
     * issued to her and no password; without a certificate, or with hers for another user under
     * clientcert=verify-full, libpq is told why, in PostgreSQL's words.
     */
    @Test
    void clientCertificatesAuthenticateAndAreChecked(PostgresServer server, @TempDir Path directory) throws Exception {
        Path hba = Files.writeString(directory.resolve("hba.conf"), """
                hostssl all alice    127.0.0.1/32 cert
                hostssl all md5_user 127.0.0.1/32 password clientcert=verify-full
                """);
        var certificates = server.certificates();
        try (TestProxy proxy = TestProxy.start(server, "pgferry.hba-file = \"" + hba + "\"\n"
                + "pgferry.tls.client-ca-file = \"" + certificates.caCertificate() + "\"")) {
            String withCertificate = " sslcert=" + certificates.clientCertificate() + " sslkey="
                    + certificates.clientKey();
            assertEquals("cert", psql(proxy, TestProxy.APP_USER, "not-the-password", withCertificate).strip());
            assertTrue(psql(proxy, TestProxy.APP_USER, TestProxy.APP_PASSWORD, " sslcert=/nonexistent")
                    .contains("connection requires a valid client certificate"));
            assertTrue(psql(proxy, PostgresServer.Role.MD5.user, PostgresServer.Role.MD5.password, withCertificate)
                    .contains("certificate validation (clientcert=verify-full) failed for user \"md5_user\": CN "
                            + "mismatch"));
        }
    }

    /** A map lets alice's certificate log in as trust_user; without the map line it would be a CN mismatch. */
    @Test
    void anIdentMapLetsACertificateLogInAsAnotherUser(PostgresServer server, @TempDir Path directory)
            throws Exception {
        Path hba = Files.writeString(directory.resolve("hba.conf"), """
                hostssl all trust_user 127.0.0.1/32 cert map=certs
                hostssl all md5_user   127.0.0.1/32 cert map=certs
                """);
        Path ident = Files.writeString(directory.resolve("ident.conf"), "certs alice trust_user\n");
        var certificates = server.certificates();
        try (TestProxy proxy = TestProxy.start(server, "pgferry.hba-file = \"" + hba + "\"\n"
                + "pgferry.ident-file = \"" + ident + "\"\n"
                + "pgferry.tls.client-ca-file = \"" + certificates.caCertificate() + "\"")) {
            String withCertificate = " sslcert=" + certificates.clientCertificate() + " sslkey="
                    + certificates.clientKey();
            assertEquals("cert", psql(proxy, PostgresServer.Role.TRUST.user, "", withCertificate).strip());
            assertTrue(psql(proxy, PostgresServer.Role.MD5.user, "", withCertificate)
                    .contains("certificate authentication failed for user \"md5_user\""));
        }
    }

    private static String psql(TestProxy proxy, String user, String password, String extra) throws Exception {
        return ClientTools.run(password, List.of("psql", "-X", "-At", "host=127.0.0.1 port=" + proxy.port()
                + " dbname=app user=" + user + " sslmode=require" + extra, "-c", "select 'cert'")).output();
    }
}
