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
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /metrics, /health and /ready on the HTTP port, read while clients use the pools. */
@ExtendWith(PostgresExtension.class)
class HttpEndpointsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(TestProxy proxy, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + proxy.proxy().httpAddress().getPort() + path);
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsShowPoolsPinsAndTheJvm(PostgresServer server) throws Exception {
        String hocon = "pgferry.http.listen = \"127.0.0.1:0\"\npgferry.pool { mode = transaction, size = 3 }";
        try (TestProxy proxy = TestProxy.start(server, hocon); Connection client = proxy.connectApp();
             Connection pinned = proxy.connectApp(); Statement statement = pinned.createStatement()) {
            assertEquals("1", SessionPoolingIT.single(client, "SELECT 1"));
            statement.execute("LISTEN metrics_test");
            HttpResponse<String> metrics = get(proxy, "/metrics");
            assertEquals(200, metrics.statusCode());
            String body = metrics.body();
            assertTrue(body.contains("pgferry_pool_servers{database=\"app\",state=\"parked\",user=\"scram_user\"}"), body);
            assertTrue(body.contains("pgferry_pool_size_max{database=\"app\",user=\"scram_user\"} 3.0"), body);
            assertTrue(body.contains("pgferry_clients_connected 2.0"), body);
            assertTrue(body.matches("(?s).*pgferry_pins_total\\{reason=\"listen\"} [1-9].*"), body);
            assertTrue(body.contains("jvm_memory_used_bytes"), body);
            assertEquals(200, get(proxy, "/health").statusCode());
            assertEquals(200, get(proxy, "/ready").statusCode());
            assertEquals(404, get(proxy, "/nothing").statusCode());
        }
    }

    @Test
    void readinessFailsWhenAnUpstreamIsUnreachable(PostgresServer server) throws Exception {
        String hocon = "pgferry.http.listen = \"127.0.0.1:0\"\npgferry.databases.down { upstream = \"postgres://x:y@127.0.0.1:"
                + PostgresServer.freePort() + "/app\" }";
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            assertEquals(200, get(proxy, "/health").statusCode(), "the process serves");
            HttpResponse<String> ready = get(proxy, "/ready");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("unreachable"));
        }
    }
}
