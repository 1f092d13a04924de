package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /sql} and the WebSocket upgrade as an HTTP client sees them: Neon's JSON shapes and status codes,
 * CORS, HTTP/2, bad input answered with a clear JSON error and no link left behind (SHOW POOLS after each case),
 * a disconnect that cancels its query, and the pipelined login of the PostgreSQL port over TLS (issue 25).
 */
@ExtendWith(PostgresExtension.class)
class EdgeHttpIT {
    private static final String CONFIG = EdgeDriverIT.EDGE + """
            pgferry.admin-users = [alice]
            pgferry.pool.mode = transaction
            pgferry.edge { max-request-size = 64KiB, max-response-size = 16KiB, request-timeout = 1s }
            pgferry.tls.pipelined-login = true
            pgferry.databases."*" = null
            """;
    private static TestProxy proxy;
    private static SSLContext trustTestCa;
    private static HttpClient http;
    private static String connectionString;

    @BeforeAll
    static void start(PostgresServer server) throws Exception {
        proxy = TestProxy.start(server, CONFIG);
        trustTestCa = trusting(server);
        http = HttpClient.newBuilder().sslContext(trustTestCa).version(HttpClient.Version.HTTP_1_1).build();
        connectionString = "postgresql://" + TestProxy.APP_USER + ":" + TestProxy.APP_PASSWORD + "@localhost/app";
    }

    /** A TLS context that trusts the test server's CA, which signed pgferry's certificate too. */
    static SSLContext trusting(PostgresServer server) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream ca = Files.newInputStream(server.certificates().caCertificate())) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private static URI uri(String path) {
        return URI.create("https://localhost:" + proxy.proxy().edgeAddress().getPort() + path);
    }

    private static HttpResponse<String> post(String connection, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/sql")).POST(HttpRequest.BodyPublishers.ofString(body));
        if (connection != null) {
            request.header("Neon-Connection-String", connection);
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void resultsComeBackInNeonsShapes() throws Exception {
        HttpResponse<String> typed = post(connectionString, "{\"query\":\"select $1::int as n, true as b, "
                + "'{\\\"a\\\": 1}'::jsonb as j, array[1,2] as arr, 9::int8 as big, 'x' as t, null::text as z\","
                + "\"params\":[1]}");
        assertEquals(200, typed.statusCode(), typed.body());
        assertEquals("application/json", typed.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("*", typed.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(typed.body().endsWith("\"rows\":[{\"n\":1,\"b\":true,\"j\":{\"a\": 1},\"arr\":[1,2],\"big\":\"9\","
                + "\"t\":\"x\",\"z\":null}],\"command\":\"SELECT\",\"rowCount\":1,\"rowAsArray\":false}"), typed.body());
        assertTrue(typed.body().startsWith("{\"fields\":[{\"name\":\"n\",\"dataTypeID\":23,\"tableID\":0,"
                + "\"columnID\":0,\"dataTypeSize\":4,\"dataTypeModifier\":-1,\"format\":\"text\"}"), typed.body());

        HttpResponse<String> raw = post(connectionString, "{\"query\":\"select 1 as n, true as b\",\"params\":[]}",
                "Neon-Raw-Text-Output", "true", "Neon-Array-Mode", "true");
        assertTrue(raw.body().contains("\"rows\":[[\"1\",\"t\"]]"), raw.body());

        HttpResponse<String> batch = post(connectionString, "{\"queries\":[{\"query\":\"show transaction_isolation\"},"
                + "{\"query\":\"select $1 || $2 as joined\",\"params\":[\"a\",\"b\"]}]}", "Neon-Array-Mode", "true",
                "Neon-Batch-Isolation-Level", "Serializable", "Neon-Batch-Read-Only", "true");
        assertEquals(200, batch.statusCode(), batch.body());
        assertEquals("Serializable", batch.headers().firstValue("Neon-Batch-Isolation-Level").orElseThrow());
        assertTrue(batch.body().startsWith("{\"results\":[{"), batch.body());
        assertTrue(batch.body().contains("\"rows\":[[\"serializable\"]]"), batch.body());
        assertTrue(batch.body().contains("\"rows\":[[\"ab\"]]"), batch.body());

        HttpResponse<String> insert = post(connectionString, "{\"query\":\"create temp table t as select 1 as x\"}");
        assertTrue(insert.body().contains("\"command\":\"SELECT\",\"rowCount\":1"), insert.body());
        assertNoLinkLeft();
        HttpResponse<String> afterReset = post(connectionString, "{\"query\":\"select count(*) from pg_tables "
                + "where tablename = 't' and schemaname like 'pg_temp%'\"}", "Neon-Array-Mode", "true");
        assertTrue(afterReset.body().contains("\"rows\":[[\"0\"]]"), "the temp table was reset away: "
                + afterReset.body());
    }

    @Test
    void badRequestsGetAClearJsonErrorAndLeaveNoLinkBehind() throws Exception {
        String wrongPassword = "postgresql://" + TestProxy.APP_USER + ":nope@localhost/app";
        String unknownUser = "postgresql://mallory:nope@localhost/app";
        Object[][] cases = {
            {connectionString, "{\"query\": ", 400, "malformed JSON body"},
            {connectionString, "[1]", 400, "the body must be a JSON object"},
            {null, "{\"query\":\"select 1\"}", 400, "missing Neon-Connection-String header"},
            {"mysql://x@y/z", "{\"query\":\"select 1\"}", 400, "invalid connection string"},
            {connectionString.replace("/app", "/nodb"), "{\"query\":\"select 1\"}", 400, "\"code\":\"3D000\""},
            {wrongPassword, "{\"query\":\"select 1\"}", 400, "\"code\":\"28P01\""},
            {connectionString, "{\"query\":\"select * from missing_table\"}", 400,
                "\"code\":\"42P01\",\"severity\":\"ERROR\",\"detail\":null,\"hint\":null,\"position\":\"15\""},
            {connectionString, "{\"query\":\"select repeat('x', 40000)\"}", 507, "response is too large"},
            {connectionString, "{\"query\":\"select '" + "y".repeat(70_000) + "'\"}", 413, "request is too large"},
        };
        for (Object[] each : cases) {
            HttpResponse<String> response = post((String) each[0], (String) each[1]);
            assertEquals(each[2], response.statusCode(), response.body());
            assertTrue(response.body().startsWith("{\"message\":"), response.body());
            assertTrue(response.body().contains((String) each[3]), each[3] + " in " + response.body());
            assertNoLinkLeft();
        }
        assertEquals(post(wrongPassword, "{\"query\":\"select 1\"}").body().replace(TestProxy.APP_USER, "?"),
                post(unknownUser, "{\"query\":\"select 1\"}").body().replace("mallory", "?"),
                "an unknown user gets the answer a wrong password gets");
        HttpResponse<String> notFound = http.send(HttpRequest.newBuilder(uri("/nowhere")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, notFound.statusCode());
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(uri("/sql")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, wrongMethod.statusCode());
        String scrape = proxy.proxy().context().metrics().scrape();
        for (int status : new int[] {400, 507}) {
            assertTrue(scrape.contains("pgferry_edge_requests_total{endpoint=\"sql\",status=\"" + status + "\"}"),
                    "requests are counted by status: " + status);
        }
    }

    @Test
    void aSlowBodyGets408() throws Exception {
        try (SSLSocket socket = tlsSocket(proxy.proxy().edgeAddress().getPort())) {
            socket.getOutputStream().write(("POST /sql HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n"
                    + "Neon-Connection-String: " + connectionString + "\r\n\r\n{\"query\"").getBytes(StandardCharsets.UTF_8));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 408"), response);
        }
        assertNoLinkLeft();
    }

    @Test
    void preflightAllowsNeonHeadersFromAnyOrigin() throws Exception {
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(uri("/sql"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, preflight.statusCode());
        assertEquals("OPTIONS, POST", preflight.headers().firstValue("Allow").orElseThrow());
        assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()
                .contains("Neon-Connection-String"));
        assertEquals("86400", preflight.headers().firstValue("Access-Control-Max-Age").orElseThrow());
    }

    @Test
    void http2IsNegotiatedOverTls() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().sslContext(trustTestCa).version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> response = h2.send(HttpRequest.newBuilder(uri("/sql"))
                .header("Neon-Connection-String", connectionString)
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"select 2 as two\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, response.version());
        assertTrue(response.body().contains("\"rows\":[{\"two\":2}]"), response.body());
    }

    @Test
    void aClientThatLeavesGetsItsQueryCancelled(PostgresServer server) throws Exception {
        String body = "{\"query\":\"select pg_sleep(60), 'edge-cancel-test'\"}";
        try (SSLSocket socket = tlsSocket(proxy.proxy().edgeAddress().getPort())) {
            socket.getOutputStream().write(("POST /sql HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length()
                    + "\r\nNeon-Connection-String: " + connectionString + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            TestProxy.awaitTrue(() -> sleepers(server) == 1, "the query runs on the server");
        }
        TestProxy.awaitTrue(() -> sleepers(server) == 0, "the query was cancelled when its client left");
        TestProxy.awaitTrue(() -> proxy.proxy().pools().all().stream().allMatch(pool -> pool.stats().active() == 0),
                "its link went back to the pool");
        assertNoLinkLeft();
    }

    @Test
    void aWebSocketTextFrameOrAForeignAddressIsRefused() throws Exception {
        CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create("wss://localhost:"
                + proxy.proxy().edgeAddress().getPort() + "/v2"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closeCode.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText("SELECT 1", true);
        assertEquals(1003, closeCode.get(10, TimeUnit.SECONDS));
        CompletableFuture<WebSocket> foreign = http.newWebSocketBuilder().buildAsync(URI.create("wss://localhost:"
                + proxy.proxy().edgeAddress().getPort() + "/v1?address=db.example.com:5432"), new WebSocket.Listener() {
                });
        Throwable refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> foreign.get(10, TimeUnit.SECONDS));
        assertEquals(403, ((java.net.http.WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
        assertNoLinkLeft();
    }

    /** With tls.pipelined-login, a client inside TLS logs in and runs its query in one write and one round trip. */
    @Test
    void aPasswordPipelinedInsideTlsLogsInWithoutWaiting() throws Exception {
        try (SSLSocket socket = tlsSocket(proxy.port()); RawClient client = new RawClient(socket)) {
            client.send(RawClient.concat(RawClient.startup("user", TestProxy.APP_USER, "database", "app"),
                    RawClient.typed('p', RawClient.cStrings(TestProxy.APP_PASSWORD)), RawClient.query("SELECT 40 + 2")));
            RawClient.Message request = client.read();
            assertEquals('R', request.type());
            assertEquals(3, request.body()[3], "a cleartext password request");
            assertEquals("R Z(I) T D(42) C(SELECT 1) Z(I)", client.transcript(2).replace("K ", ""));
        }
        try (RawClient plain = new RawClient(proxy.port())) {
            plain.send(RawClient.startup("user", TestProxy.APP_USER, "database", "app"));
            RawClient.Message request = plain.read();
            assertEquals(10, request.body()[3], "outside TLS the exchange stays SCRAM");
        }
    }

    private static SSLSocket tlsSocket(int port) throws Exception {
        SSLSocket socket = (SSLSocket) trustTestCa.getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout(20_000);
        socket.startHandshake();
        return socket;
    }

    private static long sleepers(PostgresServer server) {
        return superuserCount(server, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%edge-cancel-test%' "
                + "AND state = 'active' AND pid <> pg_backend_pid()");
    }

    /** The single number {@code sql} returns, asked as the superuser, past pgferry. */
    static long superuserCount(PostgresServer server, String sql) {
        try (Connection connection = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** SHOW POOLS, as an operator would check: no server is still active and no client waits. */
    private static void assertNoLinkLeft() throws SQLException {
        TestProxy.awaitTrue(() -> {
            try (Connection console = proxy.connect("pgbouncer", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                    "preferQueryMode=simple"); Statement statement = console.createStatement();
                 ResultSet pools = statement.executeQuery("SHOW POOLS")) {
                List<String> busy = new java.util.ArrayList<>();
                while (pools.next()) {
                    if (pools.getInt("sv_active") != 0 || pools.getInt("cl_waiting") != 0) {
                        busy.add(pools.getString("database"));
                    }
                }
                return busy.isEmpty();
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }, "no server link left active");
    }
}
