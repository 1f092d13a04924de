package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.pool.ServerPool;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Pools the {@code "*"} entry creates for the database names clients ask for (issue 22.4): a name the upstream
 * refuses leaves no pool and no metric series, an unused pool goes after autodb-idle-timeout, and there are at most
 * max-auto-pools of them.
 */
@ExtendWith(PostgresExtension.class)
class AutoPoolsIT {

    private static boolean hasPool(TestProxy proxy, String databasePrefix) {
        return proxy.proxy().pools().all().stream().map(ServerPool::key)
                .anyMatch(key -> key.database().startsWith(databasePrefix));
    }

    /** Housekeeping, or a client's close, removes pools on another thread: waits up to 20 s for it. */
    private static void awaitNoPool(TestProxy proxy, String databasePrefix) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (hasPool(proxy, databasePrefix) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
        assertFalse(hasPool(proxy, databasePrefix), "no pool of " + databasePrefix + " remains");
    }

    private static RawClient.Message login(TestProxy proxy, String database) throws Exception {
        try (RawClient client = new RawClient(proxy.port())) {
            client.send(RawClient.startup("user", "trust_user", "database", database));
            RawClient.Message message = client.readUntil('E');
            assertTrue(client.closedByPeer());
            return message;
        } catch (java.io.EOFException e) {
            throw new AssertionError("no error for database " + database, e);
        }
    }

    @Test
    void databaseNamesTheUpstreamRefusesLeaveNothingBehind(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.max-auto-pools = 5")) {
            for (int i = 0; i < 40; i++) {
                RawClient.Message refused = login(proxy, "made_up_" + i);
                assertEquals("3D000", refused.sqlState(), "attempt " + i + ": " + refused.text());
            }
            awaitNoPool(proxy, "made_up_");
            assertFalse(proxy.proxy().context().metrics().scrape().contains("made_up_"), "no metric series remain");
        }
    }

    /** Read routing joins a second pool; when the cap refuses it, the first is left again, not kept forever. */
    @Test
    void aReadsPoolBeyondTheCapLeavesNoPoolBehind(PostgresServer server) throws Exception {
        String hocon = """
                pgferry {
                  max-auto-pools = 1
                  databases."*" { upstream = "postgres://127.0.0.1:%d?sslmode=disable&target_session_attrs=read-write",
                                  pool { mode = transaction, read-routing = auto } }
                }
                """.formatted(server.port());
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            RawClient.Message capped = login(proxy, "postgres");
            assertEquals("53300", capped.sqlState());
            awaitNoPool(proxy, "postgres");
        }
    }

    @Test
    void anUnusedAutoPoolIsRemovedWithItsSeriesAndTheCapHolds(PostgresServer server) throws Exception {
        String hocon = "pgferry { max-auto-pools = 1, autodb-idle-timeout = 1s, housekeeping-interval = 100ms }";
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            try (RawClient client = RawClient.trusted(proxy.port(), "trust_user", "postgres")) {
                client.send(RawClient.query("select 1"));
                assertEquals("T D(1) C(SELECT 1) Z(I)", client.transcript(1));
                assertTrue(hasPool(proxy, "postgres"));
                RawClient.Message capped = login(proxy, "template1");
                assertEquals("53300", capped.sqlState());
                assertTrue(capped.text().contains("max_auto_pools"), capped.text());
            }
            awaitNoPool(proxy, "postgres");
            assertFalse(proxy.proxy().context().metrics().scrape().contains("database=\"postgres\""));
            try (RawClient client = RawClient.trusted(proxy.port(), "trust_user", "template1")) {
                client.send(RawClient.query("select 2"));
                assertEquals("T D(2) C(SELECT 1) Z(I)", client.transcript(1), "the freed slot is usable");
            }
        }
    }
}
