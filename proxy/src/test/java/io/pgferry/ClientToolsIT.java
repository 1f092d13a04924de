package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** psql and pgbench through pgferry in session mode, over TLS with SCRAM, as the README tells users to. */
@ExtendWith(PostgresExtension.class)
class ClientToolsIT {
    private static TestProxy proxy;

    @BeforeAll
    static void start(PostgresServer server) {
        proxy = TestProxy.start(server, "pgferry.pool.size = 10");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private String url(String sslmode) {
        return "postgresql://" + TestProxy.APP_USER + "@127.0.0.1:" + proxy.port() + "/app?sslmode=" + sslmode;
    }

    @Test
    void psqlOverTlsWithScram() throws Exception {
        ClientTools.Result result = ClientTools.run(TestProxy.APP_PASSWORD, List.of("psql", url("require"),
                "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-c", "SELECT 40 + 2", "-c", "\\conninfo"));
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().startsWith("42\n"), result.output());
        assertTrue(result.output().contains("SSL connection (protocol: TLSv1.3"), result.output());
    }

    @Test
    void pgbenchSimpleAndExtendedWithoutFailures() throws Exception {
        ClientTools.Result init = ClientTools.run(TestProxy.APP_PASSWORD,
                List.of("pgbench", "-i", "-q", "-s", "1", url("prefer")));
        assertEquals(0, init.exitCode(), init.output());
        for (String mode : List.of("simple", "extended")) {
            ClientTools.Result run = ClientTools.run(TestProxy.APP_PASSWORD,
                    List.of("pgbench", "-c", "8", "-j", "2", "-T", "4", "-M", mode, url("prefer")));
            assertEquals(0, run.exitCode(), run.output());
            assertEquals(0, ClientTools.failedTransactions(run.output()), run.output());
            assertTrue(ClientTools.processedTransactions(run.output()) > 100, run.output());
        }
    }
}
