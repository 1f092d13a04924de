package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import io.pgferry.testkit.ThreadPerTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client's CancelRequest must only ever reach the server while that server still runs the client's own request
 * (issue 22, item 1): with one server shared by two clients, one that cancels each of its quick queries at once
 * must never cancel the other's.
 */
@ExtendWith(PostgresExtension.class)
class CancelRoutingIT {
    private static final int CANCELLING_ROUNDS = 1500;

    @ParameterizedTest
    @ValueSource(strings = {"transaction", "session"})
    void aCancelNeverReachesAnotherClientsQuery(String mode, PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.pool { size = 1, mode = " + mode + " }")) {
            boolean session = mode.equals("session");
            AtomicBoolean cancellerDone = new AtomicBoolean();
            CompletableFuture<int[]> victim = CompletableFuture.supplyAsync(
                    () -> runVictim(proxy.port(), session, cancellerDone), ThreadPerTask.EXECUTOR);
            int ownCancels = 0;
            try {
                RawClient canceller = session ? null : RawClient.trusted(proxy.port(), "trust_user", "app");
                for (int i = 0; i < CANCELLING_ROUNDS; i++) {
                    RawClient client = session ? RawClient.trusted(proxy.port(), "trust_user", "app") : canceller;
                    client.send(RawClient.query("select " + i));
                    client.cancel(proxy.port());
                    if (client.transcript(1).contains("E(57014)")) {
                        ownCancels++;
                    }
                    if (session) {
                        client.close();
                    }
                }
                if (canceller != null) {
                    canceller.close();
                }
            } finally {
                cancellerDone.set(true);
            }
            int[] victimCounts = victim.get(120, TimeUnit.SECONDS);
            assertTrue(victimCounts[0] > 100, "the other client ran alongside: " + victimCounts[0] + " queries");
            assertEquals(0, victimCounts[1], "queries of the other client cancelled (the canceller's own: "
                    + ownCancels + " of " + CANCELLING_ROUNDS + ")");
        }
    }

    /** Runs short queries until the canceller is done; returns {queries, queries cancelled}. */
    private static int[] runVictim(int port, boolean reconnectEachTime, AtomicBoolean stop) {
        int queries = 0;
        int cancelled = 0;
        try {
            RawClient client = null;
            while (!stop.get()) {
                if (client == null) {
                    client = RawClient.trusted(port, "trust_user", "app");
                }
                client.send(RawClient.query("select pg_sleep(0.002), 1"));
                if (client.transcript(1).contains("E(57014)")) {
                    cancelled++;
                }
                queries++;
                if (reconnectEachTime) {
                    client.close();
                    client = null;
                }
            }
            if (client != null) {
                client.close();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new int[] {queries, cancelled};
    }
}
