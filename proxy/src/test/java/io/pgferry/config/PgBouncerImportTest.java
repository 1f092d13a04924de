package io.pgferry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgBouncerImportTest {
    private static final Path RESOURCES = Path.of("src", "test", "resources", "pgbouncer");

    private static ProxyConfig check(String converted) {
        return ConfigLoader.fromConfig(ConfigFactory.parseString(converted));
    }

    @Test
    void theDocumentedExampleConvertsToAConfigurationThatPassesCheck() throws Exception {
        String converted = PgBouncerImport.convert("documented-example.ini",
                Files.readString(RESOURCES.resolve("documented-example.ini")), "documented-userlist.txt",
                Files.readString(RESOURCES.resolve("documented-userlist.txt")));
        ProxyConfig config = check(converted);
        assertEquals("0.0.0.0", config.listen().getHostString());
        assertEquals(6432, config.listen().getPort());
        assertEquals(Path.of("/tmp"), config.listenUnix());
        assertEquals(AuthMethod.MD5, config.defaultAuthMethod());
        assertEquals(100, config.maxClientConnections());
        assertEquals(java.util.Set.of("user2", "someadmin", "otheradmin"), config.adminUsers());
        DatabaseConfig forced = config.databases().get("forcedb");
        assertEquals("baz", forced.upstream().user());
        assertEquals("foo", forced.upstream().password());
        assertEquals(300, forced.upstream().port());
        assertEquals("bazdb", config.databases().get("bardb").upstreamDatabase("bardb"));
        PoolSettings custom = config.databases().get("nondefaultdb").pool();
        assertEquals(50, custom.size());
        assertEquals(10, custom.reserveSize());
        assertEquals(Duration.ofMillis(500), custom.reserveTimeout());
        assertEquals(PoolMode.SESSION, custom.mode());
        assertEquals(20, config.databases().get("*").pool().size());
        assertEquals("DISCARD ALL", custom.resetQuery());
        assertEquals(PoolMode.TRANSACTION, config.users().get("user1").poolMode());
        assertEquals(10, config.users().get("user1").maxConnections());
        assertEquals("with \"quotes\"", config.users().get("otheradmin").plainPassword());
        assertEquals(AuthMethod.SCRAM_SHA_256, config.users().get("someadmin").authMethod(),
                "a SCRAM secret under md5 runs SCRAM, as in PgBouncer");
        assertEquals(null, config.users().get("someadmin").plainPassword(), "a SCRAM secret passes through upstream");
        assertEquals("set-me", config.users().get("user2").plainPassword(), "an md5 hash needs a placeholder");
        for (String dropped : new String[] {"logfile = /var/log/pgbouncer/pgbouncer.log: not carried over",
                "connect_query=SELECT 1: not carried over", "client_encoding=UNICODE: not carried over"}) {
            assertTrue(converted.contains("# " + dropped), dropped + " in\n" + converted);
        }
    }

    @Test
    void aSharedLoginTransactionPoolWithVerifiedUpstreamTls() {
        ProxyConfig config = check(PgBouncerImport.convert("app.ini", """
                [databases]
                app = host=db.internal port=5433 dbname=app user=svc password='s3cret with space'
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = 6543
                pool_mode = transaction
                default_pool_size = 40
                max_db_connections = 80
                server_tls_sslmode = verify-full
                server_tls_ca_file = /etc/ssl/db-ca.pem
                query_timeout = 30
                idle_transaction_timeout = 60
                max_prepared_statements = 500
                auth_type = scram-sha-256
                """, "users.txt", "\"web\" \"web-secret\"\n"));
        DatabaseConfig app = config.databases().get("app");
        assertEquals(ServerSslMode.VERIFY_FULL, app.upstream().sslMode());
        assertEquals("s3cret with space", app.upstream().password());
        assertEquals(PoolMode.TRANSACTION, app.pool().mode());
        assertEquals(Duration.ofSeconds(30), app.pool().queryTimeout());
        assertEquals(Duration.ofSeconds(60), config.idleTransactionTimeout());
        assertEquals(80, app.maxConnections());
        assertEquals(500, config.maxPreparedStatements());
        assertEquals(Map.of("web", AuthMethod.SCRAM_SHA_256), Map.of("web", config.users().get("web").authMethod()));
    }

    @Test
    void authQueryHbaAndClientCertificatesCarryOver(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path hba = Files.writeString(dir.resolve("hba.conf"), "hostssl all all 0.0.0.0/0 scram-sha-256\n");
        String converted = PgBouncerImport.convert("auth.ini", """
                [databases]
                app = host=db.internal dbname=app
                reports = host=db.internal dbname=reports auth_user=report_lookup
                [pgbouncer]
                auth_type = hba
                auth_hba_file = %s
                auth_user = lookup
                auth_query = SELECT usename, passwd FROM pgbouncer.get_auth($1)
                client_tls_sslmode = verify-full
                client_tls_ca_file = /etc/ssl/clients-ca.pem
                """.formatted(hba), "users.txt", "\"lookup\" \"l\"\n\"report_lookup\" \"r\"\n");
        Files.writeString(dir.resolve("server.pem"), "");
        ProxyConfig config = ConfigLoader.fromConfig(ConfigFactory.parseString(converted.replace(
                "/etc/ssl/clients-ca.pem", dir.resolve("server.pem").toString()) + "pgferry.tls { cert-file = \""
                + dir.resolve("server.pem") + "\", key-file = \"" + dir.resolve("server.pem") + "\" }"));
        assertEquals("lookup", config.authQuery("app").user());
        assertEquals("SELECT usename, passwd FROM pgbouncer.get_auth($1)", config.authQuery("app").query());
        assertEquals("report_lookup", config.authQuery("reports").user());
        assertEquals(config.authQuery("app").query(), config.authQuery("reports").query());
        assertTrue(config.hba() != null, "the hba file is read");
        assertTrue(converted.contains("tls.client-ca-file = \"/etc/ssl/clients-ca.pem\""), converted);
        assertEquals(dir.resolve("server.pem"), config.clientTls().clientCa());
        assertTrue(converted.contains("clientcert=verify-full"), converted);
    }

    @Test
    void syntaxErrorsNameTheFileAndLine() {
        Map<String, String> broken = Map.of(
                "[databases]\nfoo\n", "a.ini:2: expected key = value, got: foo",
                "max_client_conn = 5\n", "a.ini:1: a setting before any [section]",
                "[pgbouncer]\nquery_timeout = soon\n", "a.ini:2: query_timeout must be a number of seconds, not soon",
                "[databases]\nx = host='unterminated\n", "a.ini:2: unterminated quote in the connection string of x",
                "[pgbouncer]\n%include other.ini\n", "a.ini:2: %include is not supported: merge the included file into this one");
        broken.forEach((ini, message) -> assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> PgBouncerImport.convert("a.ini", ini, null, null)).getMessage()));
        assertEquals("u.txt:2: expected \"user\" \"secret\"", assertThrows(IllegalArgumentException.class,
                () -> PgBouncerImport.convert("a.ini", "[databases]\n", "u.txt", "\"a\" \"b\"\nc d\n")).getMessage());
    }
}
