package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.cache.CacheStatus;
import io.pgferry.cache.DatabaseCache;
import io.pgferry.pool.ServerPool;
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
 * The query-result cache (issue 24) with pgjdbc against a real PostgreSQL: a repeated read does not reach the
 * server (pg_stat_statements counts it once), a write through pgferry is seen at once by every client, calls of
 * functions that are not IMMUTABLE are never cached while names in comments and literals do not count, and
 * clients whose settings differ never share an entry.
 */
@ExtendWith(PostgresExtension.class)
class ResultCacheIT {
    private static final String ITEM = "select name from cache_items where id = ?";
    private static TestProxy proxy;
    private static PostgresServer server;

    @BeforeAll
    static void start(PostgresServer postgres) throws SQLException {
        server = postgres;
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            statement.execute("DROP TABLE IF EXISTS cache_items");
            statement.execute("CREATE TABLE cache_items (id int PRIMARY KEY, name text)");
            statement.execute("INSERT INTO cache_items VALUES (1, 'one'), (2, 'two')");
            statement.execute("INSERT INTO cache_items SELECT i, 'item ' || i FROM generate_series(10, 29) i");
            statement.execute("INSERT INTO cache_items SELECT i, 'start' FROM generate_series(100, 107) i");
            statement.execute("CREATE OR REPLACE VIEW cache_view AS SELECT random() AS r");
            statement.execute("GRANT SELECT ON cache_view TO PUBLIC");
            for (String schema : List.of("cache_a", "cache_b")) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                statement.execute("CREATE SCHEMA " + schema);
                statement.execute("CREATE TABLE " + schema + ".cache_paths (v text)");
                statement.execute("INSERT INTO " + schema + ".cache_paths VALUES ('" + schema + "')");
                statement.execute("GRANT USAGE ON SCHEMA " + schema + " TO PUBLIC");
                statement.execute("GRANT SELECT ON " + schema + ".cache_paths TO PUBLIC");
            }
            statement.execute("GRANT ALL ON cache_items TO PUBLIC");
            statement.execute("CREATE SEQUENCE IF NOT EXISTS cache_sequence");
            // Declared IMMUTABLE, though it sleeps: a slow cacheable read, for misses that arrive together.
            statement.execute("CREATE OR REPLACE FUNCTION cache_slow(int) RETURNS int IMMUTABLE LANGUAGE plpgsql "
                    + "AS 'BEGIN PERFORM pg_sleep(0.5); RETURN $1; END'");
            statement.execute("GRANT ALL ON cache_sequence TO PUBLIC");
            statement.execute("CREATE OR REPLACE FUNCTION cache_stable() RETURNS int STABLE LANGUAGE sql AS 'select 7'");
        }
        proxy = TestProxy.start(server, "pgferry { pool.mode = transaction, databases.app.cache.enabled = true, "
                + "users.plain_user.pool-mode = session }");
        // The cache reads the catalog on first use; until then nothing is cached.
        try (Connection client = connect("")) {
            TestProxy.awaitTrue(() -> {
                read(client, 1);
                read(client, 1);
                return cache().counters().requests(CacheStatus.HIT) > 0;
            }, "the result cache is ready");
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    private static DatabaseCache cache() {
        return proxy.proxy().context().shared().caches().of("app");
    }

    private static Connection connect(String parameters) throws SQLException {
        return proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, parameters);
    }

    private static String read(Connection client, int id) {
        try (PreparedStatement statement = client.prepareStatement(ITEM)) {
            statement.setInt(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static String statuses() {
        StringBuilder text = new StringBuilder();
        for (CacheStatus status : CacheStatus.values()) {
            text.append(status.label()).append('=').append(cache().counters().requests(status)).append(' ');
        }
        return text.toString();
    }

    /** Statements of one query tree share a pg_stat_statements row whatever their aliases: counts start afresh. */
    private static void resetServerCounts() throws SQLException {
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("select pg_stat_statements_reset()");
        }
    }

    private static long serverCalls(String fragment) throws SQLException {
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             PreparedStatement statement = admin.prepareStatement("select coalesce(sum(calls), 0) from "
                     + "pg_stat_statements where query like ? and query not like '%pg_stat_statements%'")) {
            statement.setString(1, "%" + fragment + "%");
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Test
    void repeatedReadsReachTheServerOnceWithEveryQueryMode() throws SQLException {
        String[] modes = {"prepareThreshold=1", "prepareThreshold=5", "preferQueryMode=simple",
            "preferQueryMode=extended"};
        for (int i = 0; i < modes.length; i++) {
            resetServerCounts();
            // A result of its own per mode: entries are shared between clients and modes whose requests match.
            String sql = "select name from cache_items where id = " + (10 + i);
            try (Connection client = connect(modes[i]); Statement statement = client.createStatement()) {
                for (int round = 0; round < 8; round++) {
                    try (ResultSet rows = statement.executeQuery(sql)) {
                        assertTrue(rows.next());
                        assertEquals("item " + (10 + i), rows.getString(1), modes[i]);
                    }
                }
            }
            assertEquals(1, serverCalls("from cache_items where id"), modes[i] + ": only the first read reached PostgreSQL; " + statuses());
        }
    }

    @Test
    void nodePostgresAndPostgresJsHitAsWell() throws SQLException {
        String[] drivers = {"pg", "postgres-prepared", "postgres-unprepared"};
        for (int i = 0; i < drivers.length; i++) {
            resetServerCounts();
            int id = 20 + i;
            String printed = NodeClients.node("cached-reads.mjs", Integer.toString(proxy.port()), TestProxy.APP_USER,
                    TestProxy.APP_PASSWORD, "app", drivers[i], Integer.toString(id), "6");
            assertEquals(String.join(",", java.util.Collections.nCopies(6, "item " + id)), printed, drivers[i]);
            assertEquals(1, serverCalls("from cache_items where id"), drivers[i] + ": " + statuses());
        }
    }

    @Test
    void aWriteThroughPgferryIsSeenAtOnceByWriterAndReaders() throws SQLException {
        try (Connection reader = connect(""); Connection writer = connect("")) {
            assertEquals("one", read(reader, 1));
            assertEquals("one", read(writer, 1));
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("update cache_items set name = 'uno' where id = 1");
            }
            assertEquals("uno", read(writer, 1), "read-your-writes");
            assertEquals("uno", read(reader, 1), "another client");
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                statement.executeUpdate("update cache_items set name = 'one' where id = 1");
            }
            assertEquals("uno", read(reader, 1), "not committed yet");
            writer.commit();
            assertEquals("one", read(reader, 1), "committed");
        }
    }

    @Test
    void onlyImmutableCallsAreCachedAndCommentsOrLiteralsDoNotCount() throws SQLException {
        String[][] cases = {
            {"select now()::text as v1", "no"},
            {"select random() as v2", "no"},
            {"select current_date as v3", "no"},
            {"select 'now'::timestamptz as v4", "no"},
            {"select cache_stable() as v5", "no"},
            {"select nextval('cache_sequence') as v6", "no"},
            {"select /* now() */ 'now()' as v7", "yes"},
            {"select upper('random()') as v8", "yes"},
            {"select r as v9 from cache_view", "no"},
        };
        try (Connection client = connect("preferQueryMode=simple"); Statement statement = client.createStatement()) {
            for (String[] sample : cases) {
                String marker = sample[0].substring(sample[0].lastIndexOf(' ') + 1);
                resetServerCounts();
                for (int round = 0; round < 3; round++) {
                    statement.executeQuery(sample[0]).close();
                }
                long calls = serverCalls(marker);
                assertEquals(sample[1].equals("yes") ? 1 : 3, calls, sample[0]);
            }
        }
    }

    /**
     * A paused pool hands out no server, so what a client gets while the pool is paused pgferry answered itself:
     * a statement's Parse/Describe/Sync (postgres.js's first round trip) and a cached Bind/Execute/Sync.
     */
    @Test
    void describesAndHitsAreAnsweredWithoutAServer() throws Exception {
        String sql = "select name from cache_items where id = $1";
        byte[] describe = RawClient.concat(RawClient.parse("s1", sql, 23), RawClient.describe('S', "s1"),
                RawClient.sync());
        byte[] execute = RawClient.concat(RawClient.bind("", "s1", "11"), RawClient.execute("", 0), RawClient.sync());
        String described;
        String executed;
        try (RawClient first = RawClient.trusted(proxy.port(), "trust_user", "app")) {
            first.send(describe);
            described = first.transcript(1);
            assertEquals("1 t T Z(I)", described);
            first.send(execute);
            first.transcript(1);
            first.send(execute);
            executed = first.transcript(1);
            assertEquals("2 D(item 11) C(SELECT 1) Z(I)", executed);
        }
        proxy.proxy().pools().all().forEach(ServerPool::pause);
        try (RawClient second = RawClient.trusted(proxy.port(), "trust_user", "app")) {
            second.send(describe);
            assertEquals(described, second.transcript(1), "Parse/Describe/Sync answered from the stored description");
            second.send(execute);
            assertEquals(executed, second.transcript(1), "the cached result");
        } finally {
            proxy.proxy().pools().all().forEach(ServerPool::resume);
        }
    }

    @Test
    void sixtyFourClientsMissingOneResultTogetherRunItOnce() throws Exception {
        int clients = 64;
        resetServerCounts();
        List<Connection> connections = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < clients; i++) {
                connections.add(connect(""));
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
        assertEquals(1, serverCalls("coalesced"), "one upstream execution; " + statuses());
    }

    @Test
    void clientsWithDifferentDateStyleIntervalStyleOrSearchPathNeverShareAnEntry() throws SQLException {
        String[][] cases = {
            {"options=-c%20DateStyle=ISO,DMY", "select '01/02/2020'::date::text", "2020-02-01"},
            {"options=-c%20DateStyle=ISO,MDY", "select '01/02/2020'::date::text", "2020-01-02"},
            {"options=-c%20IntervalStyle=postgres", "select '1 day'::interval::text", "1 day"},
            {"options=-c%20IntervalStyle=iso_8601", "select '1 day'::interval::text", "P1D"},
            {"currentSchema=cache_a", "select v from cache_paths", "cache_a"},
            {"currentSchema=cache_b", "select v from cache_paths", "cache_b"},
        };
        for (int round = 0; round < 3; round++) {
            for (String[] sample : cases) {
                try (Connection client = connect(sample[0]); Statement statement = client.createStatement();
                     ResultSet rows = statement.executeQuery(sample[1])) {
                    rows.next();
                    assertEquals(sample[2], rows.getString(1), sample[0]);
                }
            }
        }
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
                    try (Connection client = connect("")) {
                        for (int round = 0; round < rounds; round++) {
                            String value = "v" + round;
                            try (PreparedStatement write = client.prepareStatement(
                                    "update cache_items set name = ? where id = ?")) {
                                write.setString(1, value);
                                write.setInt(2, mine);
                                write.executeUpdate();
                            }
                            String read = read(client, mine);
                            if (!value.equals(read)) {
                                violations.add("client " + mine + " wrote " + value + ", read " + read);
                            }
                            read(client, 100 + (mine + round) % clients);
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
            assertTrue(cache().counters().requests(CacheStatus.HIT) > 0, "other clients' rows were served from the cache");
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A session-mode client's reads hit, in order with its other replies, until it changes a setting pgferry does
     * not track; from then on they go to its server.
     */
    @Test
    void aSessionModeClientHitsUntilItChangesUntrackedSettings() throws SQLException {
        resetServerCounts();
        // prepareThreshold=1: pgjdbc prepares a named statement at once and then only binds it. A Parse always
        // reaches a session's own server (its statements are its own there), so only Bind/Execute can hit.
        try (Connection session = proxy.connect("app", "plain_user", PostgresServer.Role.SCRAM.password,
                "prepareThreshold=1")) {
            for (int round = 0; round < 6; round++) {
                assertEquals("item 28", read(session, 28));
            }
            assertEquals(1, serverCalls("from cache_items where id"), statuses());
            try (Statement statement = session.createStatement()) {
                statement.execute("SET bytea_output = 'escape'");
            }
            for (int round = 0; round < 3; round++) {
                assertEquals("item 28", read(session, 28));
            }
            assertEquals(4, serverCalls("from cache_items where id"), "untracked state: reads go upstream");
        }
    }

    /** A session-mode client's writes drop what other clients read. */
    @Test
    void aSessionModeClientsWritesDropWhatOthersRead() throws SQLException {
        try (Connection reader = connect("");
             Connection writer = proxy.connect("app", "plain_user", PostgresServer.Role.SCRAM.password, "");
             PreparedStatement write = writer.prepareStatement("update cache_items set name = ? where id = 27")) {
            for (int round = 0; round < 7; round++) {
                read(reader, 27);
                assertTrue(read(reader, 27) != null);
                write.setString(1, "session write " + round);
                write.executeUpdate();
                assertEquals("session write " + round, read(reader, 27), "round " + round);
            }
        }
    }

    /** A Bind of a statement made by SQL PREPARE, which pgferry never saw parsed, may write anything. */
    @Test
    void aBindOfAnSqlPreparedWriteDropsWhatOthersRead() throws Exception {
        try (Connection reader = connect("");
             RawClient writer = RawClient.trusted(proxy.port(), "trust_user", "app")) {
            read(reader, 26);
            assertEquals("item 26", read(reader, 26));
            writer.send(RawClient.query("PREPARE cache_write (text) AS UPDATE cache_items SET name = $1 WHERE id = 26"));
            assertEquals("C(PREPARE) Z(I)", writer.transcript(1));
            writer.send(RawClient.concat(RawClient.bind("", "cache_write", "prepared write"),
                    RawClient.execute("", 0), RawClient.sync()));
            assertEquals("2 C(UPDATE 1) Z(I)", writer.transcript(1));
            assertEquals("prepared write", read(reader, 26));
        }
    }

    /** A write that bypasses pgferry is seen once the entry is past max-age and stale-while-revalidate. */
    @Test
    void aWriteThatBypassesPgferryIsSeenWithinMaxAgeAndStaleWhileRevalidate() throws Exception {
        String hocon = "pgferry { pool.mode = transaction, "
                + "databases.app.cache { enabled = true, max-age = 1s, stale-while-revalidate = 1s } }";
        try (TestProxy shortLived = TestProxy.start(server, hocon);
             Connection client = shortLived.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "")) {
            DatabaseCache shortCache = shortLived.proxy().context().shared().caches().of("app");
            TestProxy.awaitTrue(() -> {
                read(client, 29);
                return shortCache.counters().requests(CacheStatus.HIT) > 0;
            }, "the entry is cached");
            try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
                 Statement statement = admin.createStatement()) {
                statement.executeUpdate("update cache_items set name = 'written directly' where id = 29");
            }
            long written = System.nanoTime();
            TestProxy.awaitTrue(() -> "written directly".equals(read(client, 29)), "the direct write is seen");
            long seenAfterMillis = (System.nanoTime() - written) / 1_000_000;
            assertTrue(seenAfterMillis <= 2_000 + 500, "seen after " + seenAfterMillis + " ms");
        }
    }

    @Test
    void psqlHitsToo() throws Exception {
        resetServerCounts();
        String url = "postgresql://" + TestProxy.APP_USER + "@127.0.0.1:" + proxy.port() + "/app?sslmode=disable";
        for (int round = 0; round < 3; round++) {
            ClientTools.Result result = ClientTools.run(TestProxy.APP_PASSWORD,
                    List.of("psql", url, "-At", "-c", "select name from cache_items where id = 14"));
            assertEquals(0, result.exitCode(), result.output());
            assertEquals("item 14", result.output().trim());
        }
        assertEquals(1, serverCalls("from cache_items where id"), statuses());
    }

    /** A server's 0A000 (the plan's result type changed after DDL) forgets the description kept for the text. */
    @Test
    void aChangedPlanForgetsTheKeptDescription() throws Exception {
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS cache_altered");
            statement.execute("CREATE TABLE cache_altered (a int)");
            statement.execute("GRANT SELECT ON cache_altered TO PUBLIC");
            byte[] describe = RawClient.concat(RawClient.parse("s7", "select * from cache_altered"),
                    RawClient.describe('S', "s7"), RawClient.sync());
            byte[] execute = RawClient.concat(RawClient.bind("", "s7"), RawClient.execute("", 0), RawClient.sync());
            try (RawClient first = RawClient.trusted(proxy.port(), "trust_user", "app")) {
                first.send(describe);
                assertEquals("1 t T Z(I)", first.transcript(1));
                first.send(execute);
                assertEquals("2 C(SELECT 0) Z(I)", first.transcript(1));
                statement.execute("ALTER TABLE cache_altered ADD COLUMN b int");
                first.send(execute);
                assertEquals("E(0A000) Z(I)", first.transcript(1));
            }
            try (RawClient second = RawClient.trusted(proxy.port(), "trust_user", "app")) {
                second.send(describe);
                RawClient.Message rowDescription = second.readUntil('T');
                assertEquals(2, ((rowDescription.body()[0] & 0xFF) << 8) | (rowDescription.body()[1] & 0xFF),
                        "the description a server gives now, not the one kept before the change");
            }
        }
    }

    /** Waiting for another client's fill is bounded by acquire-timeout; then the client goes upstream itself. */
    @Test
    void aWaitForAnotherClientsResultEndsAtAcquireTimeout() throws Exception {
        String hocon = "pgferry { pool.mode = transaction, pool.acquire-timeout = 200ms, "
                + "databases.app.cache.enabled = true }";
        try (TestProxy bounded = TestProxy.start(server, hocon);
             Connection first = bounded.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "");
             Connection second = bounded.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "");
             Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app")) {
            DatabaseCache boundedCache = bounded.proxy().context().shared().caches().of("app");
            TestProxy.awaitTrue(() -> {
                read(first, 1);
                return boundedCache.counters().requests(CacheStatus.HIT) > 0;
            }, "the catalog is loaded");
            resetServerCounts();
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
            assertEquals(2, serverCalls("bounded_wait"), "then went upstream itself after 200 ms");
        }
    }

    @Test
    void clientsWithDifferentSettingsNeverShareAnEntry() throws SQLException {
        String sql = "select '2020-01-01 00:00+00'::timestamptz::text";
        try (Connection utc = connect("options=-c%20TimeZone=UTC");
             Connection tokyo = connect("options=-c%20TimeZone=Asia/Tokyo")) {
            for (int round = 0; round < 3; round++) {
                try (Statement first = utc.createStatement(); Statement second = tokyo.createStatement();
                     ResultSet utcRows = first.executeQuery(sql); ResultSet tokyoRows = second.executeQuery(sql)) {
                    utcRows.next();
                    tokyoRows.next();
                    assertEquals("2020-01-01 00:00:00+00", utcRows.getString(1));
                    assertEquals("2020-01-01 09:00:00+09", tokyoRows.getString(1));
                }
            }
        }
    }
}
