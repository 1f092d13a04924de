package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /sql} and the result cache: a cached read is answered without reaching the server, and a write sent
 * over HTTP drops the entries of what it changed, for HTTP and PostgreSQL-port clients alike (issue 25).
 */
@ExtendWith(PostgresExtension.class)
class EdgeCacheIT {
    private static final String READ = "select name from edge_cache_items where id = $1";

    @Test
    void httpReadsHitTheCacheAndHttpWritesInvalidateIt(PostgresServer server) throws Exception {
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            statement.execute("DROP TABLE IF EXISTS edge_cache_items");
            statement.execute("CREATE TABLE edge_cache_items (id int PRIMARY KEY, name text)");
            statement.execute("INSERT INTO edge_cache_items VALUES (1, 'one')");
            statement.execute("GRANT ALL ON edge_cache_items TO PUBLIC");
        }
        try (TestProxy proxy = TestProxy.start(server, EdgeDriverIT.EDGE
                + "pgferry { pool.mode = transaction, databases.app.cache.enabled = true }")) {
            SSLContext trust = EdgeHttpIT.trusting(server);
            HttpClient http = HttpClient.newBuilder().sslContext(trust).build();
            URI sql = URI.create("https://localhost:" + proxy.proxy().edgeAddress().getPort() + "/sql");
            // The cache reads the catalog on first use: until then reads go to the server.
            TestProxy.awaitTrue(() -> {
                long before = serverCalls(server);
                return post(http, sql, READ, "1").contains("one") && serverCalls(server) == before;
            }, "an HTTP read is served from the cache");

            long before = serverCalls(server);
            for (int i = 0; i < 3; i++) {
                assertTrue(post(http, sql, READ, "1").contains("\"rows\":[[\"one\"]]"));
            }
            assertEquals(before, serverCalls(server), "three hits, no server call");

            assertTrue(post(http, sql, "update edge_cache_items set name = $2 where id = $1", "1", "uno")
                    .contains("\"command\":\"UPDATE\",\"rowCount\":1"));
            assertTrue(post(http, sql, READ, "1").contains("\"rows\":[[\"uno\"]]"), "HTTP reads its own write");
            try (Connection client = proxy.connectApp();
                 PreparedStatement read = client.prepareStatement(READ.replace("$1", "?"))) {
                read.setInt(1, 1);
                try (ResultSet rows = read.executeQuery()) {
                    assertTrue(rows.next());
                    assertEquals("uno", rows.getString(1), "a PostgreSQL-port client sees the HTTP write");
                }
            }
        }
    }

    private static String post(HttpClient http, URI sql, String query, String... params) {
        String body = "{\"query\":\"" + query + "\",\"params\":[\"" + String.join("\",\"", params) + "\"]}";
        try {
            return http.send(HttpRequest.newBuilder(sql).header("Neon-Connection-String", "postgresql://"
                            + TestProxy.APP_USER + ":" + TestProxy.APP_PASSWORD + "@localhost/app")
                    .header("Neon-Array-Mode", "true").header("Neon-Raw-Text-Output", "true")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long serverCalls(PostgresServer server) {
        return EdgeHttpIT.superuserCount(server, "select coalesce(sum(calls), 0) from pg_stat_statements "
                + "where query like '%from edge_cache_items where id%' and query not like '%pg_stat%'");
    }
}
