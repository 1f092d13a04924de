package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.cache.CacheStatus;
import io.pgferry.cache.DatabaseCache;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The result cache under writes and concurrency (issue 24): a write through pgferry is seen at once by every
 * client and never read past by its writer, whatever mode or statement made it; concurrent misses run once, and
 * waiting for another client's result is bounded; writes that bypass pgferry are bounded by max-age.
 */
@ExtendWith(PostgresExtension.class)
class ResultCacheWritesIT {
    private static ResultCacheFixture fixture;

    @BeforeAll
    static void start(PostgresServer postgres) throws SQLException {
        fixture = ResultCacheFixture.start(postgres);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void aWriteThroughPgferryIsSeenAtOnceByWriterAndReaders() throws SQLException {
        try (Connection reader = fixture.connect(""); Connection writer = fixture.connect("")) {
            assertEquals("one", ResultCacheFixture.read(reader, 1));
            assertEquals("one", ResultCacheFixture.read(writer, 1));
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("update cache_items set name = 'uno' where id = 1");
            }
            assertEquals("uno", ResultCacheFixture.read(writer, 1), "read-your-writes");
            assertEquals("uno", ResultCacheFixture.read(reader, 1), "another client");
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("update cache_items set name = 'one' where id = 1");
            }
            assertEquals("uno", ResultCacheFixture.read(reader, 1), "not committed yet");
            writer.commit();
            assertEquals("one", ResultCacheFixture.read(reader, 1), "committed");
        }
    }

    @Test
    void sixtyFourClientsMissingOneResultTogetherRunItOnce() throws Exception {
        int clients = 64;
        fixture.resetServerCounts();
        List<Connection> connections = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < clients; i++) {
                connections.add(fixture.connect(""));
            }
            CyclicBarrier start = new CyclicBarrier(clients);
            List<Future<Integer>> results = new ArrayList<>();
            for (Connection client : connections) {
                results.add(threads.submit(() -> {
                    start.await();
                    try (Statement statement = client.createStatement();
                         ResultSet rows = statement.executeQuery("select cache_slow(42) as coalesced")) {
                        rows.next();
                        return rows.getInt(1);
                    }
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(42, result.get(30, TimeUnit.SECONDS));
            }
        } finally {
            threads.shutdownNow();
            for (Connection client : connections) {
                client.close();
            }
        }
        assertEquals(1, fixture.serverCalls("coalesced"), "one upstream execution; " + fixture.statuses());
    }

    /**
     * A read-your-writes checker: clients each update their own row and read it back at once, while reading
     * each other's rows into the cache. No client may ever read a value older than its own last write.
     */
    @Test
    void underConcurrentWritesNoClientReadsOlderThanItsOwnWrite() throws Exception {
        int clients = 8;
        int rounds = 40;
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int mine = 100 + i;
                results.add(threads.submit(() -> {
                    List<String> violations = new ArrayList<>();
                    try (Connection client = fixture.connect("")) {
                        for (int round = 0; round < rounds; round++) {
                            String value = "v" + round;
                            try (PreparedStatement write = client.prepareStatement(
                                    "update cache_items set name = ? where id = ?")) {
                                write.setString(1, value);
                                write.setInt(2, mine);
                                write.executeUpdate();
                            }
                            String read = ResultCacheFixture.read(client, mine);
                            if (!value.equals(read)) {
                                violations.add("client " + mine + " wrote " + value + ", read " + read);
                            }
                            ResultCacheFixture.read(client, 100 + (mine + round) % clients);
                        }
                    }
                    return violations;
                }));
            }
            List<String> violations = new ArrayList<>();
            for (Future<List<String>> result : results) {
                violations.addAll(result.get(60, TimeUnit.SECONDS));
            }
            assertEquals(List.of(), violations);
            assertTrue(fixture.cache().counters().requests(CacheStatus.HIT) > 0, "other clients' rows were served from the cache");
        } finally {
            threads.shutdownNow();
        }
    }

    /** A session-mode client's writes drop what other clients read. */
    @Test
    void aSessionModeClientsWritesDropWhatOthersRead() throws SQLException {
        try (Connection reader = fixture.connect("");
             Connection writer = fixture.proxy().connect("app", "plain_user", PostgresServer.Role.SCRAM.password, "");
             PreparedStatement write = writer.prepareStatement("update cache_items set name = ? where id = 27")) {
            for (int round = 0; round < 7; round++) {
                ResultCacheFixture.read(reader, 27);
                assertTrue(ResultCacheFixture.read(reader, 27) != null);
                write.setString(1, "session write " + round);
                write.executeUpdate();
                assertEquals("session write " + round, ResultCacheFixture.read(reader, 27), "round " + round);
            }
        }
    }

    /** A Bind of a statement made by SQL PREPARE, which pgferry never saw parsed, may write anything. */
    @Test
    void aBindOfAnSqlPreparedWriteDropsWhatOthersRead() throws Exception {
        try (Connection reader = fixture.connect("");
             RawClient writer = RawClient.trusted(fixture.proxy().port(), "trust_user", "app")) {
            ResultCacheFixture.read(reader, 26);
            assertEquals("item 26", ResultCacheFixture.read(reader, 26));
            writer.send(RawClient.query("PREPARE cache_write (text) AS UPDATE cache_items SET name = $1 WHERE id = 26"));
            assertEquals("C(PREPARE) Z(I)", writer.transcript(1));
            writer.send(RawClient.concat(RawClient.bind("", "cache_write", "prepared write"),
                    RawClient.execute("", 0), RawClient.sync()));
            assertEquals("2 C(UPDATE 1) Z(I)", writer.transcript(1));
            assertEquals("prepared write", ResultCacheFixture.read(reader, 26));
        }
    }

    /** A write that bypasses pgferry is seen once the entry is past max-age and stale-while-revalidate. */
    @Test
    void aWriteThatBypassesPgferryIsSeenWithinMaxAgeAndStaleWhileRevalidate() throws Exception {
        String hocon = "pgferry { pool.mode = transaction, "
                + "databases.app.cache { enabled = true, max-age = 1s, stale-while-revalidate = 1s } }";
        try (TestProxy shortLived = TestProxy.start(fixture.server(), hocon);
             Connection client = shortLived.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "")) {
            DatabaseCache shortCache = shortLived.proxy().context().shared().caches().of("app");
            TestProxy.awaitTrue(() -> {
                ResultCacheFixture.read(client, 29);
                return shortCache.counters().requests(CacheStatus.HIT) > 0;
            }, "the entry is cached");
            try (Connection admin = fixture.server().connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
                 Statement statement = admin.createStatement()) {
                statement.executeUpdate("update cache_items set name = 'written directly' where id = 29");
            }
            long written = System.nanoTime();
            TestProxy.awaitTrue(() -> "written directly".equals(ResultCacheFixture.read(client, 29)), "the direct write is seen");
            long seenAfterMillis = (System.nanoTime() - written) / 1_000_000;
            assertTrue(seenAfterMillis <= 2_000 + 500, "seen after " + seenAfterMillis + " ms");
        }
    }

    /** Waiting for another client's fill is bounded by acquire-timeout; then the client goes upstream itself. */
    @Test
    void aWaitForAnotherClientsResultEndsAtAcquireTimeout() throws Exception {
        String hocon = "pgferry { pool.mode = transaction, pool.acquire-timeout = 200ms, "
                + "databases.app.cache.enabled = true }";
        try (TestProxy bounded = TestProxy.start(fixture.server(), hocon);
             Connection first = bounded.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "");
             Connection second = bounded.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "");
             Connection admin = fixture.server().connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app")) {
            DatabaseCache boundedCache = bounded.proxy().context().shared().caches().of("app");
            TestProxy.awaitTrue(() -> {
                ResultCacheFixture.read(first, 1);
                return boundedCache.counters().requests(CacheStatus.HIT) > 0;
            }, "the catalog is loaded");
            fixture.resetServerCounts();
            String sql = "select cache_slow(7) as bounded_wait";
            ExecutorService thread = Executors.newSingleThreadExecutor();
            Future<Integer> slow = thread.submit(() -> {
                try (Statement statement = first.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                    rows.next();
                    return rows.getInt(1);
                }
            });
            TestProxy.awaitTrue(() -> {
                try (Statement statement = admin.createStatement(); ResultSet rows = statement.executeQuery(
                        "select count(*) from pg_stat_activity where query like '%bounded_wait%' "
                                + "and state = 'active' and pid <> pg_backend_pid()")) {
                    rows.next();
                    return rows.getInt(1) > 0;
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            }, "the first client's read runs upstream");
            long coalescedBefore = boundedCache.counters().coalescedMisses();
            try (Statement statement = second.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                assertEquals(7, rows.getInt(1));
            }
            assertEquals(7, slow.get(10, TimeUnit.SECONDS));
            thread.shutdown();
            assertEquals(coalescedBefore + 1, boundedCache.counters().coalescedMisses(), "the second client waited");
            assertEquals(2, fixture.serverCalls("bounded_wait"), "then went upstream itself after 200 ms");
        }
    }

}
