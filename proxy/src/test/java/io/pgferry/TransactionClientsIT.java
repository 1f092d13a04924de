package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real drivers and tools through a transaction pool smaller than the number of clients. */
@ExtendWith(PostgresExtension.class)
class TransactionClientsIT {
    private static TestProxy proxy;
    private static PostgresServer server;

    @BeforeAll
    static void start(PostgresServer postgres) throws SQLException {
        server = postgres;
        proxy = TestProxy.start(postgres, "pgferry.pool { mode = transaction, size = 4 }");
        try (Connection direct = postgres.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = direct.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS batch_items (thread int, n int, label text)");
            statement.execute("GRANT ALL ON batch_items TO PUBLIC");
        }
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void pgbenchEveryProtocolModeWith32ClientsOnFourServers() throws Exception {
        ClientTools.assertPgbenchRunsClean(proxy.appUrl(), 32, 3, List.of("simple", "extended", "prepared"),
                ClientTools.SELECT_ONLY_AND_TPCB);
    }

    /** Servers move between clients on different event loops: the hand-over then crosses threads. */
    @Test
    void pgbenchAcrossFourEventLoops() throws Exception {
        try (TestProxy loops = TestProxy.start(server, "pgferry.threads = 4\npgferry.pool { mode = transaction, size = 4 }")) {
            ClientTools.assertPgbenchRunsClean(loops.appUrl(), 32, 3, List.of("simple", "prepared"), List.of(List.of()));
        }
    }

    @Test
    void pgjdbcSixteenThreadsWithBatchesMetadataAndBinaryTypes() throws Exception {
        for (String threshold : List.of("1", "-1")) {
            ExecutorService threads = Executors.newFixedThreadPool(16);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int thread = t + (threshold.equals("1") ? 0 : 100);
                results.add(threads.submit(() -> runJdbcClient(threshold, thread)));
            }
            for (Future<Integer> result : results) {
                assertEquals(50, result.get(2, TimeUnit.MINUTES));
            }
            threads.shutdown();
        }
        try (Connection direct = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app")) {
            assertEquals("1600", SessionPoolingIT.single(direct, "SELECT count(*) FROM batch_items"));
        }
    }

    /** One client: batch inserts, prepared queries with binary types, metadata; returns rows it read back. */
    private static int runJdbcClient(String threshold, int thread) throws SQLException {
        try (Connection connection = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                "prepareThreshold=" + threshold + "&binaryTransfer=true")) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO batch_items (thread, n, label) VALUES (?, ?, ?)")) {
                for (int n = 0; n < 50; n++) {
                    insert.setInt(1, thread);
                    insert.setInt(2, n);
                    insert.setString(3, "t" + thread + "-" + n);
                    insert.addBatch();
                }
                int[] counts = insert.executeBatch();
                assertEquals(50, counts.length);
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT n, label, n::float8 / 2, n::numeric(10,2), now() IS NOT NULL, ?::bytea, ?::uuid, ?::timestamptz "
                            + "FROM batch_items WHERE thread = ? ORDER BY 1")) {
                ResultSetMetaData metaData = select.getMetaData();
                assertEquals(8, metaData.getColumnCount());
                assertEquals("label", metaData.getColumnName(2));
                int rows = 0;
                for (int repeat = 0; repeat < 3; repeat++) {
                    select.setBytes(1, new byte[] {1, 2, 3});
                    select.setObject(2, java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
                    select.setObject(3, java.time.OffsetDateTime.parse("2024-05-06T07:08:09Z"));
                    select.setInt(4, thread);
                    rows = 0;
                    try (ResultSet result = select.executeQuery()) {
                        while (result.next()) {
                            assertEquals(rows, result.getInt(1));
                            assertEquals("t" + thread + "-" + rows, result.getString(2));
                            assertEquals(rows / 2.0, result.getDouble(3));
                            assertArrayEquals(new byte[] {1, 2, 3}, result.getBytes(6));
                            rows++;
                        }
                    }
                }
                return rows;
            }
        }
    }

    @Test
    void thousandsOfPipelinedPreparedQueriesOnFewServers() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            results.add(threads.submit(() -> {
                try (RawClient raw = RawClient.trusted(proxy.port(), PostgresServer.Role.TRUST.user, "postgres")) {
                    List<byte[]> pipeline = new ArrayList<>();
                    pipeline.add(RawClient.parse("square", "SELECT $1::int8 * $1::int8", 20));
                    for (int i = 0; i < 2000; i++) {
                        pipeline.add(RawClient.bind("", "square", Integer.toString(client * 10000 + i)));
                        pipeline.add(RawClient.execute("", 0));
                        pipeline.add(RawClient.sync());
                    }
                    raw.send(RawClient.concat(pipeline.toArray(byte[][]::new)));
                    int answered = 0;
                    while (answered < 2000) {
                        RawClient.Message message = raw.read();
                        if (message.type() == 'D') {
                            long value = client * 10000L + answered;
                            String row = message.text();
                            assertTrue(row.endsWith(Long.toString(value * value)), row + " for " + value);
                        } else if (message.type() == 'Z') {
                            answered++;
                        } else if (message.type() == 'E') {
                            throw new AssertionError(message.text());
                        }
                    }
                    return answered;
                }
            }));
        }
        for (Future<Integer> result : results) {
            assertEquals(2000, result.get(2, TimeUnit.MINUTES));
        }
        threads.shutdown();
    }

    @Test
    void cancelReachesTheBusyServerAndFreesAWaitingClient() throws Exception {
        try (TestProxy single = TestProxy.start(server, "pgferry.pool { mode = transaction, size = 1 }");
             Connection holder = single.connectApp(); Connection waiter = single.connectApp()) {
            holder.setAutoCommit(false);
            try (Statement statement = holder.createStatement()) {
                Thread canceller = SessionPoolingIT.cancelLater(statement);
                SQLException cancelled = assertThrows(SQLException.class, () -> statement.execute("SELECT pg_sleep(30)"));
                canceller.join();
                assertEquals("57014", cancelled.getSQLState());
            }
            try (Statement waiting = waiter.createStatement()) {
                Thread canceller = SessionPoolingIT.cancelLater(waiting);
                long start = System.nanoTime();
                SQLException cancelled = assertThrows(SQLException.class, () -> waiting.execute("SELECT 1"));
                canceller.join();
                assertEquals("57014", cancelled.getSQLState(), "a waiting client leaves the queue");
                assertTrue(System.nanoTime() - start < 5_000_000_000L);
            }
            holder.rollback();
            assertEquals("1", SessionPoolingIT.single(waiter, "SELECT 1"), "the waiter is served afterwards");
        }
    }

    @Test
    void aServerKilledBetweenTransactionsIsReplacedUnnoticed() throws Exception {
        try (TestProxy pool = TestProxy.start(server, "pgferry.pool { mode = transaction, size = 2 }");
             Connection client = pool.connectApp();
             Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app")) {
            String pid = SessionPoolingIT.single(client, "SELECT pg_backend_pid()");
            SessionPoolingIT.single(admin, "SELECT pg_terminate_backend(" + pid + ")");
            Thread.sleep(200);
            assertTrue(!pid.equals(SessionPoolingIT.single(client, "SELECT pg_backend_pid()")),
                    "the next transaction runs on another server, without an error");
        }
    }

    @Test
    void idleParkedServersAreClosedAfterTheIdleTimeout() throws Exception {
        String hocon = "pgferry.pool { mode = transaction, size = 2, idle-timeout = 300ms }\npgferry.housekeeping-interval = 100ms";
        try (TestProxy pool = TestProxy.start(server, hocon); Connection client = pool.connectApp()) {
            String pid = SessionPoolingIT.single(client, "SELECT pg_backend_pid()");
            TestProxy.awaitTrue(() -> pool.proxy().pools().all().iterator().next().stats().open() == 0,
                    "the parked server was idle past the timeout and closed");
            assertTrue(!pid.equals(SessionPoolingIT.single(client, "SELECT pg_backend_pid()")),
                    "the client gets a fresh server without an error");
        }
    }

    @Test
    void statementModeRefusesTransactionBlocks() throws Exception {
        try (TestProxy statementMode = TestProxy.start(server, "pgferry.pool { mode = statement, size = 2 }")) {
            try (Connection connection = statementMode.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"));
                connection.setAutoCommit(false);
                SQLException refused = assertThrows(SQLException.class,
                        () -> SessionPoolingIT.single(connection, "SELECT 2"));
                assertTrue(refused.getMessage().contains("transaction blocks not allowed in statement pooling mode"),
                        refused.getMessage());
            }
            try (Connection connection = statementMode.connectApp()) {
                assertEquals("3", SessionPoolingIT.single(connection, "SELECT 3"), "the server was rolled back and reused");
            }
        }
    }

    @Test
    void poolModeCanBeSetPerUser() throws Exception {
        String hocon = "pgferry.pool { mode = transaction, size = 1 }\npgferry.users.alice.pool-mode = session";
        try (TestProxy perUser = TestProxy.start(server, hocon); Connection alice = perUser.connectApp()) {
            String pid = SessionPoolingIT.single(alice, "SELECT pg_backend_pid()");
            try (Statement statement = alice.createStatement()) {
                statement.execute("SET work_mem = '5MB'");
            }
            assertEquals("5MB", SessionPoolingIT.single(alice, "SHOW work_mem"));
            assertEquals(pid, SessionPoolingIT.single(alice, "SELECT pg_backend_pid()"));
        }
    }
}
