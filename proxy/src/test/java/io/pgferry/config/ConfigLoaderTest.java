package io.pgferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static ProxyConfig load(String hocon) {
        return ConfigLoader.fromConfig(ConfigFactory.parseString(hocon));
    }

    private static String failure(String hocon) {
        return assertThrows(ConfigException.class, () -> load(hocon)).getMessage();
    }

    @Test
    void readRoutingAppliesToEntriesThatNameAPrimary() {
        ProxyConfig config = load("""
                pgferry.pool.read-routing = auto
                pgferry.databases.rw.upstream = "postgres://h1,h2/d?target_session_attrs=read-write"
                pgferry.databases.plain.upstream = "postgres://h/d"
                """);
        assertTrue(config.database("rw").routesReads());
        assertFalse(config.database("plain").routesReads(), "no primary named: everything goes to the upstream");
        assertEquals(Duration.ofSeconds(1), config.database("rw").pool().readYourWritesWindow());
        assertTrue(failure("pgferry.databases.d { upstream = \"postgres://h1,h2/d\", pool.read-routing = auto }")
                .contains("target_session_attrs=read-write"));
    }

    @Test
    void referenceDefaultsMatchPgBouncer() {
        ProxyConfig config = load("");
        assertEquals(6432, config.listen().getPort());
        assertEquals(100, config.maxClientConnections());
        assertEquals(AuthMethod.SCRAM_SHA_256, config.defaultAuthMethod());
        assertEquals(ClientTlsMode.DISABLE, config.clientTls().mode());
        assertTrue(config.databases().isEmpty());
    }

    @Test
    void databaseEntriesOverridePoolDefaultsAndTakePasswordsApart() {
        ProxyConfig config = load("""
                pgferry.pool.size = 10
                pgferry.databases {
                  app { upstream = "postgres://svc:s%40cret@db.example.com:5433/prod?sslmode=verify-full", pool { size = 3, mode = transaction } }
                  other { upstream = "postgresql://db.example.com/other", password = "from-env" }
                  "*" { upstream = "postgres://db.example.com" }
                }
                """);
        DatabaseConfig app = config.databases().get("app");
        assertEquals(3, app.pool().size());
        assertEquals(PoolMode.TRANSACTION, app.pool().mode());
        assertEquals(Duration.ofSeconds(120), app.pool().acquireTimeout());
        assertEquals("s@cret", app.upstream().password());
        assertEquals(ServerSslMode.VERIFY_FULL, app.upstream().sslMode());
        assertEquals(5433, app.upstream().port());
        assertEquals("prod", app.upstreamDatabase("app"));
        assertEquals("from-env", config.databases().get("other").upstream().password());
        assertEquals(10, config.databases().get("other").pool().size());
        assertNull(config.databases().get("*").upstream().user());
        assertEquals("whatever", config.database("whatever").upstreamDatabase("whatever"));
        assertTrue(!app.upstream().toString().contains("cret"), "passwords never appear in logs");
    }

    @Test
    void upstreamsTakeLibpqsMultiHostSyntax() {
        Upstream upstream = Upstream.parse("postgresql://svc:p%40ss@db1:5433,db2,[::1]:6000/app"
                + "?target_session_attrs=prefer-standby&load_balance_hosts=random&sslmode=require");
        assertEquals(java.util.List.of(new Upstream.Host("db1", 5433), new Upstream.Host("db2", 5432),
                new Upstream.Host("::1", 6000)), upstream.hosts());
        assertEquals("svc", upstream.user());
        assertEquals("p@ss", upstream.password());
        assertEquals("app", upstream.database());
        assertEquals(TargetSessionAttrs.PREFER_STANDBY, upstream.target());
        assertEquals(LoadBalance.RANDOM, upstream.loadBalance());
        assertEquals(LoadBalance.LEAST_CONNECTIONS,
                Upstream.parse("postgres://h1,h2/d?load_balance_hosts=least-connections").loadBalance());
        assertEquals("postgres://svc@db1:5433,db2:5432,[::1]:6000/app?sslmode=require"
                + "&target_session_attrs=prefer-standby&load_balance_hosts=random", upstream.toString());
        assertEquals("db2", upstream.at(upstream.hosts().get(1)).host());
        assertEquals(TargetSessionAttrs.ANY, Upstream.parse("postgres://h/d").target());
        Map<String, String> refused = Map.of(
                "postgres://h/d?target_session_attrs=master", "target_session_attrs master is not one of any, "
                        + "read-write, read-only, primary, standby, prefer-standby",
                "postgres://h/d?load_balance_hosts=yes", "load_balance_hosts yes is not one of disable, random, "
                        + "round-robin, least-connections",
                "postgres://h1,/d", "URL has no host in h1,",
                "postgres://h:port/d", "invalid port in host h:port");
        refused.forEach((url, message) -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, () -> Upstream.parse(url)).getMessage()));
    }

    @Test
    void aDatabaseEntryMayHaveItsOwnAuthQuery() {
        String users = "pgferry.users { lookup { password = x }, db_lookup { password = y } }\n";
        ProxyConfig config = load(users + """
                pgferry.auth-user = lookup
                pgferry.databases {
                  own { upstream = "postgres://db.example.com/own", auth-user = db_lookup, auth-query = "SELECT 1, $1" }
                  inherits { upstream = "postgres://db.example.com/inherits", auth-user = db_lookup }
                  "*" { upstream = "postgres://db.example.com" }
                }
                """);
        assertEquals("db_lookup", config.authQuery("own").user());
        assertEquals("SELECT 1, $1", config.authQuery("own").query());
        assertEquals(config.authQuery().query(), config.authQuery("inherits").query(), "the global text");
        assertEquals("lookup", config.authQuery("anything").user(), "the wildcard has none of its own");
        assertTrue(failure(users + "pgferry.databases.d { upstream = \"postgres://h/d\", auth-query = \"SELECT 1\" }")
                .contains("pgferry.databases.\"d\".auth-user"));
        assertTrue(failure(users + "pgferry.databases.d { upstream = \"postgres://h/d\", auth-user = ghost }")
                .contains("'ghost' is not one of pgferry.users"));
    }

    @Test
    void usersTakePlainVerifierOrMd5Passwords() {
        ProxyConfig config = load("""
                pgferry.users {
                  plain { password = "pw" }
                  verifier { password = "SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy" }
                  hashed { password = "md5c5f57f02e8e1b33c1a40f1b5a6d3c2c0", auth-method = md5 }
                  open { auth-method = trust }
                }
                """);
        assertEquals("pw", config.users().get("plain").plainPassword());
        assertEquals(4096, config.users().get("verifier").scram().iterations());
        assertNull(config.users().get("verifier").plainPassword());
        assertEquals(AuthMethod.MD5, config.users().get("hashed").authMethod());
        assertEquals(AuthMethod.TRUST, config.users().get("open").authMethod());
    }

    @Test
    void invalidValuesNameTheKey() {
        assertTrue(failure("pgferry.pool.size = 0").contains("size"));
        assertTrue(failure("pgferry.pool.mode = sometimes").contains("mode"));
        assertTrue(failure("pgferry.listen = nowhere").contains("listen"));
        assertTrue(failure("pgferry.pool { size = 2, min-idle = 3 }").contains("min-idle"));
        assertTrue(failure("pgferry.databases.app { upstream = \"mysql://x\" }").contains("upstream"));
        assertTrue(failure("pgferry.databases.app { upstream = \"postgres://x/db?sslmode=sometimes\" }").contains("upstream"));
        assertTrue(failure("pgferry.users.bob { auth-method = md5, password = \"SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy\" }")
                .contains("md5 authentication needs"));
        assertTrue(failure("pgferry.users.bob { auth-method = scram-sha-256 }").contains("password"));
        assertTrue(failure("pgferry.tls.mode = require").contains("cert-file"));
        assertTrue(failure("pgferry.pool.acquire-timeout = soon").contains("acquire-timeout"));
    }

    @Test
    void sampleConfigurationFilesAreValid() {
        for (String name : new String[] {"pgferry.conf", "sidecar.conf"}) {
            ProxyConfig config = ConfigLoader.load(Path.of("..", "config", name));
            assertTrue(!config.databases().isEmpty(), name);
        }
    }

    @Test
    void misspeltKeysAreRefusedWithTheNearestKnownOne() {
        assertEquals("String: 1: unknown key pgferry.pool.aquire-timeout (did you mean acquire-timeout?)",
                failure("pgferry.pool.aquire-timeout = 5s"));
        assertTrue(failure("pgferry.max-client-connection = 5")
                .endsWith("unknown key pgferry.max-client-connection (did you mean max-client-connections?)"));
        assertTrue(failure("pgferry.auth-metod = md5").endsWith("(did you mean auth-method?)"));
        assertTrue(failure("pgferry.databases.app { upstream = \"postgres://h/db\", pool { sise = 3 } }")
                .endsWith("unknown key pgferry.databases.app.pool.sise (did you mean size?)"));
        assertTrue(failure("pgferry.users.bob { password = x, pool_mode = session }")
                .endsWith("unknown key pgferry.users.bob.pool_mode (did you mean pool-mode?)"));
        assertTrue(failure("pgferry.frobnicate = true").endsWith("unknown key pgferry.frobnicate"));
        load("other-application.setting = 1\npgferry.databases.\"a.b\" { upstream = \"postgres://h/db\" }");
    }

    @Test
    void enumerationsListTheirValuesAndErrorsNameTheLine() {
        assertEquals("String: 2: pgferry.pool.mode: transactions is not one of session, transaction, statement",
                failure("pgferry.listen = \"127.0.0.1:1\"\npgferry.pool.mode = transactions"));
        assertTrue(failure("pgferry.auth-method = md4")
                .endsWith("pgferry.auth-method: md4 is not one of scram-sha-256, md5, password, trust"));
        assertTrue(failure("pgferry.tls.mode = always")
                .endsWith("pgferry.tls.mode: always is not one of disable, allow, prefer, require"));
        assertTrue(failure("pgferry.users.bob { password = x, pool-mode = sessions }")
                .endsWith("pgferry.users.\"bob\".pool-mode: sessions is not one of session, transaction, statement"));
    }

    @Test
    void aMissingValueNamesTheUnsetVariableItWasToComeFrom() {
        String message = failure("pgferry.databases.app { upstream = ${?PGFERRY_TEST_UNSET_URL} }");
        assertTrue(message.endsWith("(pgferry.databases.app.upstream comes from ${?PGFERRY_TEST_UNSET_URL}, which is not set)"),
                message);
        assertTrue(failure("pgferry.users.bob { password = ${?PGFERRY_TEST_UNSET_PASSWORD} }")
                .contains("pgferry.users.bob.password comes from ${?PGFERRY_TEST_UNSET_PASSWORD}, which is not set"));
    }
}
