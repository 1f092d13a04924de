package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.pool.ServerPool;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The query-result cache (issue 24) with real drivers against a real PostgreSQL: a repeated read does not reach
 * the server (pg_stat_statements counts it once) with pgjdbc, node-postgres, postgres.js and psql; calls of
 * functions that are not IMMUTABLE are never cached while names in comments and literals do not count; clients
 * whose settings differ never share an entry; statement descriptions and hits need no server.
 */
@ExtendWith(PostgresExtension.class)
class ResultCacheIT {
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
    void repeatedReadsReachTheServerOnceWithEveryQueryMode() throws SQLException {
        String[] modes = {"prepareThreshold=1", "prepareThreshold=5", "preferQueryMode=simple",
            "preferQueryMode=extended"};
        for (int i = 0; i < modes.length; i++) {
            fixture.resetServerCounts();
            // A result of its own per mode: entries are shared between clients and modes whose requests match.
            String sql = "select name from cache_items where id = " + (10 + i);
            try (Connection client = fixture.connect(modes[i]); Statement statement = client.createStatement()) {
                for (int round = 0; round < 8; round++) {
                    try (ResultSet rows = statement.executeQuery(sql)) {
                        assertTrue(rows.next());
                        assertEquals("item " + (10 + i), rows.getString(1), modes[i]);
                    }
                }
            }
            assertEquals(1, fixture.serverCalls("from cache_items where id"), modes[i] + ": only the first read reached PostgreSQL; " + fixture.statuses());
        }
    }

    @Test
    void nodePostgresAndPostgresJsHitAsWell() throws SQLException {
        String[] drivers = {"pg", "postgres-prepared", "postgres-unprepared"};
        for (int i = 0; i < drivers.length; i++) {
            fixture.resetServerCounts();
            int id = 20 + i;
            String printed = NodeClients.node("cached-reads.mjs", Integer.toString(fixture.proxy().port()), TestProxy.APP_USER,
                    TestProxy.APP_PASSWORD, "app", drivers[i], Integer.toString(id), "6");
            assertEquals(String.join(",", java.util.Collections.nCopies(6, "item " + id)), printed, drivers[i]);
            assertEquals(1, fixture.serverCalls("from cache_items where id"), drivers[i] + ": " + fixture.statuses());
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
        try (Connection client = fixture.connect("preferQueryMode=simple"); Statement statement = client.createStatement()) {
            for (String[] sample : cases) {
                String marker = sample[0].substring(sample[0].lastIndexOf(' ') + 1);
                fixture.resetServerCounts();
                for (int round = 0; round < 3; round++) {
                    statement.executeQuery(sample[0]).close();
                }
                long calls = fixture.serverCalls(marker);
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
        try (RawClient first = RawClient.trusted(fixture.proxy().port(), "trust_user", "app")) {
            first.send(describe);
            described = first.transcript(1);
            assertEquals("1 t T Z(I)", described);
            first.send(execute);
            first.transcript(1);
            first.send(execute);
            executed = first.transcript(1);
            assertEquals("2 D(item 11) C(SELECT 1) Z(I)", executed);
        }
        fixture.proxy().proxy().pools().all().forEach(ServerPool::pause);
        try (RawClient second = RawClient.trusted(fixture.proxy().port(), "trust_user", "app")) {
            second.send(describe);
            assertEquals(described, second.transcript(1), "Parse/Describe/Sync answered from the stored description");
            second.send(execute);
            assertEquals(executed, second.transcript(1), "the cached result");
        } finally {
            fixture.proxy().proxy().pools().all().forEach(ServerPool::resume);
        }
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
                try (Connection client = fixture.connect(sample[0]); Statement statement = client.createStatement();
                     ResultSet rows = statement.executeQuery(sample[1])) {
                    rows.next();
                    assertEquals(sample[2], rows.getString(1), sample[0]);
                }
            }
        }
    }

    /**
     * A session-mode client's reads hit, in order with its other replies, until it changes a setting pgferry does
     * not track; from then on they go to its server.
     */
    @Test
    void aSessionModeClientHitsUntilItChangesUntrackedSettings() throws SQLException {
        fixture.resetServerCounts();
        // prepareThreshold=1: pgjdbc prepares a named statement at once and then only binds it. A Parse always
        // reaches a session's own server (its statements are its own there), so only Bind/Execute can hit.
        try (Connection session = fixture.proxy().connect("app", "plain_user", PostgresServer.Role.SCRAM.password,
                "prepareThreshold=1")) {
            for (int round = 0; round < 6; round++) {
                assertEquals("item 28", ResultCacheFixture.read(session, 28));
            }
            assertEquals(1, fixture.serverCalls("from cache_items where id"), fixture.statuses());
            try (Statement statement = session.createStatement()) {
                statement.execute("SET bytea_output = 'escape'");
            }
            for (int round = 0; round < 3; round++) {
                assertEquals("item 28", ResultCacheFixture.read(session, 28));
            }
            assertEquals(4, fixture.serverCalls("from cache_items where id"), "untracked state: reads go upstream");
        }
    }

    @Test
    void psqlHitsToo() throws Exception {
        fixture.resetServerCounts();
        String url = "postgresql://" + TestProxy.APP_USER + "@127.0.0.1:" + fixture.proxy().port() + "/app?sslmode=disable";
        for (int round = 0; round < 3; round++) {
            ClientTools.Result result = ClientTools.run(TestProxy.APP_PASSWORD,
                    List.of("psql", url, "-At", "-c", "select name from cache_items where id = 14"));
            assertEquals(0, result.exitCode(), result.output());
            assertEquals("item 14", result.output().trim());
        }
        assertEquals(1, fixture.serverCalls("from cache_items where id"), fixture.statuses());
    }

    /** A server's 0A000 (the plan's result type changed after DDL) forgets the description kept for the text. */
    @Test
    void aChangedPlanForgetsTheKeptDescription() throws Exception {
        try (Connection admin = fixture.server().connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS cache_altered");
            statement.execute("CREATE TABLE cache_altered (a int)");
            statement.execute("GRANT SELECT ON cache_altered TO PUBLIC");
            byte[] describe = RawClient.concat(RawClient.parse("s7", "select * from cache_altered"),
                    RawClient.describe('S', "s7"), RawClient.sync());
            byte[] execute = RawClient.concat(RawClient.bind("", "s7"), RawClient.execute("", 0), RawClient.sync());
            try (RawClient first = RawClient.trusted(fixture.proxy().port(), "trust_user", "app")) {
                first.send(describe);
                assertEquals("1 t T Z(I)", first.transcript(1));
                first.send(execute);
                assertEquals("2 C(SELECT 0) Z(I)", first.transcript(1));
                statement.execute("ALTER TABLE cache_altered ADD COLUMN b int");
                first.send(execute);
                assertEquals("E(0A000) Z(I)", first.transcript(1));
            }
            try (RawClient second = RawClient.trusted(fixture.proxy().port(), "trust_user", "app")) {
                second.send(describe);
                RawClient.Message rowDescription = second.readUntil('T');
                assertEquals(2, ((rowDescription.body()[0] & 0xFF) << 8) | (rowDescription.body()[1] & 0xFF),
                        "the description a server gives now, not the one kept before the change");
            }
        }
    }

    @Test
    void clientsWithDifferentSettingsNeverShareAnEntry() throws SQLException {
        String sql = "select '2020-01-01 00:00+00'::timestamptz::text";
        try (Connection utc = fixture.connect("options=-c%20TimeZone=UTC");
             Connection tokyo = fixture.connect("options=-c%20TimeZone=Asia/Tokyo")) {
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
