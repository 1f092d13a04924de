package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * After an upstream outage (issue 22.10): /ready says not ready while logins are held back, and once it says ready
 * again a query gets through, long before login-retry would have let it.
 */
@ExtendWith(PostgresExtension.class)
class UpstreamRecoveryIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int ready(TestProxy proxy) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + proxy.proxy().httpAddress().getPort() + "/ready");
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void readyMeansAQueryGetsThroughAfterTheUpstreamReturns(PostgresServer server) throws Exception {
        String hocon = "pgferry { http.listen = \"127.0.0.1:0\", pool.login-retry = 60s, "
                + "pool.failover-buffer-timeout = 0s }";
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            try (Connection connection = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"));
            }
            assertEquals(200, ready(proxy));
            server.stopProcess();
            try {
                SQLException down = assertThrows(SQLException.class, proxy::connectApp);
                assertEquals("08006", down.getSQLState(), down.getMessage());
                assertEquals(503, ready(proxy), "not ready while the upstream is down");
            } finally {
                server.startAgain();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ready(proxy) != 200 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(20_000_000);
            }
            assertEquals(200, ready(proxy), "ready again within 30 s of the upstream's return");
            try (Connection connection = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"), "ready means a query gets through");
            }
        }
    }
}
