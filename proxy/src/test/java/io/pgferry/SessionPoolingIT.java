package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

/** Session pooling through pgferry with pgjdbc: every protocol feature a session-mode client relies on. */
@ExtendWith(PostgresExtension.class)
class SessionPoolingIT {
    private static TestProxy proxy;
    private static PostgresServer server;

    @BeforeAll
    static void start(PostgresServer postgres) throws SQLException {
        server = postgres;
        proxy = TestProxy.start(postgres, "");
        try (Connection direct = postgres.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = direct.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, name text)");
            statement.execute("GRANT ALL ON items TO PUBLIC");
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"io_uring", "epoll", "nio"})
    void everyTransportServesClients(String transport) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.transport = " + transport + "\npgferry.threads = 2");
             Connection first = proxy.connectApp(); Connection second = proxy.connectApp()) {
            assertEquals("1", single(first, "SELECT 1"));
            assertEquals("2", single(second, "SELECT 2"));
        }
    }

    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertTrue(rows.next(), "no row from " + sql);
            return rows.getString(1);
        }
    }

    @Test
    void sharedUpstreamLoginRunsQueriesAsTheEntrysUser() throws SQLException {
        try (Connection connection = proxy.connectApp()) {
            assertEquals(PostgresServer.Role.SCRAM.user, single(connection, "SELECT current_user"));
            assertEquals("app", single(connection, "SELECT current_database()"));
        }
    }

    @Test
    void clientsLogInUpstreamAsThemselvesThroughTheWildcardEntry() throws SQLException {
        try (Connection connection = proxy.connect("postgres", PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password)) {
            assertEquals(PostgresServer.Role.SCRAM.user, single(connection, "SELECT current_user"));
            assertEquals("postgres", single(connection, "SELECT current_database()"));
        }
        try (Connection connection = proxy.connect("app", PostgresServer.Role.MD5.user, PostgresServer.Role.MD5.password)) {
            assertEquals(PostgresServer.Role.SCRAM.user, single(connection, "SELECT current_user"),
                    "database app shares its upstream login whoever the client is");
        }
        try (Connection connection = proxy.connect("postgres", PostgresServer.Role.MD5.user, PostgresServer.Role.MD5.password)) {
            assertEquals(PostgresServer.Role.MD5.user, single(connection, "SELECT current_user"));
        }
    }

    @Test
    void everyClientAuthMethodWorks() throws SQLException {
        try (Connection md5 = proxy.connect("app", PostgresServer.Role.MD5.user, PostgresServer.Role.MD5.password);
             Connection trust = proxy.connect("postgres", PostgresServer.Role.TRUST.user, "anything");
             Connection plain = proxy.connect("app", "plain_user", PostgresServer.Role.SCRAM.password)) {
            assertEquals("1", single(md5, "SELECT 1"));
            assertEquals(PostgresServer.Role.TRUST.user, single(trust, "SELECT current_user"));
            assertEquals("1", single(plain, "SELECT 1"));
        }
    }

    @Test
    void wrongPasswordsAndUnknownUsersFailAlike() {
        SQLException wrong = assertThrows(SQLException.class, () -> proxy.connect("app", TestProxy.APP_USER, "nope"));
        SQLException unknown = assertThrows(SQLException.class, () -> proxy.connect("app", "mallory", "nope"));
        SQLException wrongMd5 = assertThrows(SQLException.class,
                () -> proxy.connect("app", PostgresServer.Role.MD5.user, "nope"));
        SQLException wrongCleartext = assertThrows(SQLException.class, () -> proxy.connect("app", "plain_user", "nope"));
        for (SQLException e : new SQLException[] {wrong, unknown, wrongMd5, wrongCleartext}) {
            assertEquals("28P01", e.getSQLState());
        }
        assertEquals(wrong.getMessage().replace(TestProxy.APP_USER, "X"), unknown.getMessage().replace("mallory", "X"));
    }

    @Test
    void unknownDatabaseIsReported() {
        try (TestProxy strict = TestProxy.start(server, "pgferry.databases.\"*\" = null")) {
            SQLException e = assertThrows(SQLException.class,
                    () -> strict.connect("nosuchdb", TestProxy.APP_USER, TestProxy.APP_PASSWORD));
            assertEquals("3D000", e.getSQLState());
        }
        SQLException upstreamSays = assertThrows(SQLException.class,
                () -> proxy.connect("nosuchdb", PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password));
        assertEquals("3D000", upstreamSays.getSQLState(), upstreamSays.getMessage());
    }

    @Test
    void startupParametersReachTheServer() throws SQLException {
        try (Connection connection = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                "ApplicationName=billing&options=-c%20search_path%3Dpg_catalog%20-c%20work_mem%3D3MB")) {
            assertEquals("billing", single(connection, "SHOW application_name"));
            assertEquals("pg_catalog", single(connection, "SHOW search_path"));
            assertEquals("3MB", single(connection, "SHOW work_mem"));
        }
    }

    @Test
    void sessionStateIsResetBeforeTheNextClient() throws SQLException {
        try (TestProxy single = TestProxy.start(server, "pgferry.pool.size = 1")) {
            String pid;
            try (Connection first = single.connectApp(); Statement statement = first.createStatement()) {
                pid = SessionPoolingIT.single(first, "SELECT pg_backend_pid()");
                statement.execute("SET work_mem = '7MB'");
                statement.execute("CREATE TEMP TABLE scratch (x int)");
                statement.execute("PREPARE leftover AS SELECT 1");
            }
            try (Connection second = single.connectApp()) {
                assertEquals(pid, SessionPoolingIT.single(second, "SELECT pg_backend_pid()"), "the link is reused");
                assertEquals("4MB", SessionPoolingIT.single(second, "SHOW work_mem"));
                assertEquals("0", SessionPoolingIT.single(second,
                        "SELECT count(*) FROM pg_class WHERE relname = 'scratch'"));
                assertEquals("0", SessionPoolingIT.single(second, "SELECT count(*) FROM pg_prepared_statements"));
            }
        }
    }

    @Test
    void clientLeavingMidTransactionLeavesNothingOpen() throws Exception {
        try (TestProxy single = TestProxy.start(server, "pgferry.pool.size = 1")) {
            Connection first = single.connectApp();
            first.setAutoCommit(false);
            try (Statement statement = first.createStatement()) {
                statement.execute("INSERT INTO items VALUES (1001, 'uncommitted')");
            }
            first.unwrap(PGConnection.class);
            ((org.postgresql.core.BaseConnection) first).getQueryExecutor().close();
            try (Connection second = single.connectApp()) {
                assertEquals("0", single(second, "SELECT count(*) FROM items WHERE id = 1001"));
                assertEquals("I", single(second, "SELECT 'I'"));
            }
            try (Connection direct = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app")) {
                assertEquals("0", single(direct,
                        "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"));
            }
        }
    }

    @Test
    void extendedProtocolBinaryTypesAndErrors() throws SQLException {
        try (Connection connection = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                "prepareThreshold=1&binaryTransfer=true")) {
            for (int i = 0; i < 5; i++) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT ?::int + 1, ?::text, ?::numeric, now()::date, ?::bytea")) {
                    statement.setInt(1, i);
                    statement.setString(2, "ü" + i);
                    statement.setBigDecimal(3, new java.math.BigDecimal("1.50"));
                    statement.setBytes(4, new byte[] {1, 2, (byte) i});
                    try (ResultSet rows = statement.executeQuery()) {
                        assertTrue(rows.next());
                        assertEquals(i + 1, rows.getInt(1));
                        assertEquals("ü" + i, rows.getString(2));
                        assertEquals(new java.math.BigDecimal("1.50"), rows.getBigDecimal(3));
                        assertEquals(3, rows.getBytes(5).length);
                    }
                }
            }
            SQLException error = assertThrows(SQLException.class, () -> single(connection, "SELECT 1/0"));
            assertEquals("22012", error.getSQLState());
            assertEquals("2", single(connection, "SELECT 2"), "the session goes on after an error");
        }
    }

    @Test
    void multiStatementSimpleQueries() throws SQLException {
        try (Connection connection = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                "preferQueryMode=simple"); Statement statement = connection.createStatement()) {
            assertTrue(statement.execute("SELECT 1; SELECT 2, 3; SELECT 'x'"));
            int resultSets = 1;
            while (statement.getMoreResults()) {
                resultSets++;
            }
            assertEquals(3, resultSets);
            SQLException error = assertThrows(SQLException.class, () -> statement.execute("SELECT 1; SELECT nope; SELECT 3"));
            assertEquals("42703", error.getSQLState());
            assertEquals("5", single(connection, "SELECT 5"));
        }
    }

    @Test
    void copyInAndOut() throws Exception {
        try (Connection connection = proxy.connectApp(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMP TABLE copied (id int, name text)");
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder data = new StringBuilder();
            for (int i = 0; i < 5000; i++) {
                data.append(i).append('\t').append("row ").append(i).append('\n');
            }
            assertEquals(5000, copy.copyIn("COPY copied FROM STDIN", new StringReader(data.toString())));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(5000, copy.copyOut("COPY copied TO STDOUT", out));
            assertEquals(data.toString(), out.toString(java.nio.charset.StandardCharsets.UTF_8));
            SQLException failed = assertThrows(SQLException.class,
                    () -> copy.copyIn("COPY copied FROM STDIN", new StringReader("not-a-number\tx\n")));
            assertEquals("22P02", failed.getSQLState());
            assertEquals("5000", single(connection, "SELECT count(*) FROM copied"));
        }
    }

    @Test
    void listenNotifyAndNotices() throws Exception {
        try (Connection listener = proxy.connectApp(); Connection notifier = proxy.connectApp();
             Statement listen = listener.createStatement(); Statement notify = notifier.createStatement()) {
            listen.execute("LISTEN ferry");
            notify.execute("NOTIFY ferry, 'hello'");
            PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(5000);
            assertEquals(1, notifications.length);
            assertEquals("hello", notifications[0].getParameter());
            notify.execute("DO $$ BEGIN RAISE NOTICE 'careful'; END $$");
            assertEquals("careful", notify.getWarnings().getMessage());
        }
    }

    @Test
    void cancelStopsARunningQuery() throws Exception {
        try (Connection connection = proxy.connectApp(); Statement statement = connection.createStatement()) {
            Thread canceller = cancelLater(statement);
            long start = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> statement.execute("SELECT pg_sleep(30)"));
            canceller.join();
            assertEquals("57014", e.getSQLState());
            assertTrue(System.nanoTime() - start < 20_000_000_000L, "cancelled long before the sleep ended");
            assertEquals("1", single(connection, "SELECT 1"));
        }
    }

    /** Starts a thread that cancels the statement's query 400 ms from now. */
    static Thread cancelLater(Statement statement) {
        Thread canceller = new Thread(() -> {
            try {
                Thread.sleep(400);
                statement.cancel();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        canceller.start();
        return canceller;
    }

    @Test
    void serverKilledUnderAClientGivesAnErrorAndThePoolHeals() throws SQLException {
        try (Connection victim = proxy.connectApp();
             Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app")) {
            String pid = single(victim, "SELECT pg_backend_pid()");
            single(admin, "SELECT pg_terminate_backend(" + pid + ")");
            SQLException e = assertThrows(SQLException.class, () -> single(victim, "SELECT 1"));
            assertTrue(e.getSQLState().startsWith("57P01") || e.getSQLState().startsWith("08"), e.getSQLState());
        }
        try (Connection next = proxy.connectApp()) {
            assertEquals("1", single(next, "SELECT 1"));
        }
    }

    @Test
    void hikariPoolThroughPgferry() throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(proxy.jdbcUrl("app", ""));
        config.setUsername(TestProxy.APP_USER);
        config.setPassword(TestProxy.APP_PASSWORD);
        config.setMaximumPoolSize(3);
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config)) {
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
            java.util.List<java.util.concurrent.Future<Integer>> sums = new java.util.ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int base = t * 1000;
                sums.add(threads.submit(() -> {
                    int sum = 0;
                    for (int i = 0; i < 200; i++) {
                        try (Connection connection = pool.getConnection();
                             PreparedStatement statement = connection.prepareStatement("SELECT ?::int")) {
                            statement.setInt(1, base + i);
                            try (ResultSet rows = statement.executeQuery()) {
                                rows.next();
                                sum += rows.getInt(1) - base;
                            }
                        }
                    }
                    return sum;
                }));
            }
            for (java.util.concurrent.Future<Integer> sum : sums) {
                assertEquals(199 * 200 / 2, sum.get());
            }
            threads.shutdown();
        }
    }

    @Test
    void functionCallAndEmptyQuery() throws SQLException {
        try (Connection connection = proxy.connectApp(); Statement statement = connection.createStatement()) {
            assertFalse(statement.execute(""));
            org.postgresql.fastpath.Fastpath fastpath = connection.unwrap(PGConnection.class).getFastpathAPI();
            try (ResultSet functions = statement.executeQuery("SELECT proname, oid FROM pg_proc WHERE proname = 'int4abs'")) {
                fastpath.addFunctions(functions);
            }
            assertEquals(42, fastpath.getInteger("int4abs", new org.postgresql.fastpath.FastpathArg[] {
                    new org.postgresql.fastpath.FastpathArg(-42)}));
        }
    }
}
