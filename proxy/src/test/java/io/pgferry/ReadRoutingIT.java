package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * read-routing = auto (issue 28) on a real primary and streaming standby: read-only statements outside transactions
 * run on the standby, writes and everything in a transaction on the primary, and a client that just wrote reads
 * from the primary for read-your-writes-window, so it never misses its own write, even from a standby whose replay
 * is paused. A write pipelined behind a read that is still running on the standby waits for it, then runs on the
 * primary.
 */
class ReadRoutingIT {
    private static final String PORT = "SELECT current_setting('port')";
    private PostgresServer primary;
    private PostgresServer standby;

    @BeforeEach
    void startPrimaryAndStandby() throws SQLException {
        primary = PostgresServer.start();
        primary.createSharedTable("notes (id int, body text)");
        standby = primary.startStandby();
    }

    @AfterEach
    void stopServers() {
        standby.close();
        primary.close();
    }

    private TestProxy proxy(String window) {
        String hosts = "127.0.0.1:" + primary.port() + ",127.0.0.1:" + standby.port();
        return TestProxy.start(primary, """
                pgferry {
                  pool { mode = transaction, read-routing = auto, read-your-writes-window = %s }
                  databases.app.upstream = "postgres://scram_user@%s/app?sslmode=disable&target_session_attrs=read-write"
                }
                """.formatted(window, hosts));
    }

    /** The first reads calling a function wait for the catalog (they run on the primary meanwhile). */
    private void awaitReadsOnStandby(Connection client) {
        String standbyPort = String.valueOf(standby.port());
        TestProxy.awaitTrue(() -> standbyPort.equals(port(client)), "read-only statements reach the standby");
    }

    @Test
    void readsGoToTheStandbyWritesAndTransactionsToThePrimary() throws Exception {
        String primaryPort = String.valueOf(primary.port());
        try (TestProxy proxy = proxy("0s");
             Connection client = proxy.connectApp()) {
            awaitReadsOnStandby(client);
            assertEquals("false", SessionPoolingIT.single(client, "SELECT pg_is_in_recovery()::text"),
                    "a VOLATILE function runs on the primary");
            try (Statement statement = client.createStatement()) {
                assertEquals(1, statement.executeUpdate("INSERT INTO notes VALUES (1, 'written')"));
                try (ResultSet locked = statement.executeQuery(PORT + " FROM notes FOR UPDATE")) {
                    locked.next();
                    assertEquals(primaryPort, locked.getString(1), "a locking read runs on the primary");
                }
            }
            client.setAutoCommit(false);
            assertEquals(primaryPort, port(client), "inside a transaction: the primary");
            client.commit();
            client.setAutoCommit(true);
            // With no window, reads leave the primary as soon as its link is back in the pool.
            awaitReadsOnStandby(client);
        }
    }

    /**
     * With the standby's replay paused it never sees the writes: the writer still reads each of them right after
     * writing it (from the primary), while a client that never wrote reads the standby's older state.
     */
    @Test
    void aClientThatJustWroteReadsItsOwnWrites() throws Exception {
        try (TestProxy proxy = proxy("5s");
             Connection writer = proxy.connectApp();
             Connection reader = proxy.connectApp();
             Connection onStandby = standby.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             PreparedStatement insert = writer.prepareStatement("INSERT INTO notes VALUES (?, 'mine')");
             PreparedStatement count = writer.prepareStatement("SELECT count(*) FROM notes WHERE id = ?")) {
            awaitReadsOnStandby(reader);
            SessionPoolingIT.single(onStandby, "SELECT pg_wal_replay_pause()::text");
            for (int id = 1; id <= 50; id++) {
                insert.setInt(1, id);
                insert.executeUpdate();
                count.setInt(1, id);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    assertEquals(1, rows.getInt(1), "the writer reads its write " + id);
                }
            }
            assertEquals("0", SessionPoolingIT.single(reader, "SELECT count(*) FROM notes"),
                    "a client that did not write reads the paused standby");
            assertEquals(String.valueOf(standby.port()), port(reader));
            SessionPoolingIT.single(onStandby, "SELECT pg_wal_replay_resume()::text");
        }
    }

    /**
     * A read still running on the standby when the client pipelines a write behind it: the write waits for the
     * standby's link to come back and runs on the primary (a standby would refuse it with 25006).
     */
    @Test
    void aWritePipelinedBehindARunningReadRunsOnThePrimary() throws Exception {
        String slowRead = "SELECT current_setting('port'), count(*) FROM generate_series(1, 5000000)";
        try (TestProxy proxy = proxy("0s");
             Connection warm = proxy.connectApp();
             Connection onStandby = standby.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             RawClient client = RawClient.trusted(proxy.port(), "trust_user", "app")) {
            awaitReadsOnStandby(warm);
            client.send(RawClient.query(slowRead));
            TestProxy.awaitTrue(() -> running(onStandby, "generate_series"), "the read runs on the standby");
            client.send(RawClient.query("INSERT INTO notes VALUES (7, 'after') RETURNING current_setting('port')"));
            assertEquals("T D(" + standby.port() + ",5000000) C(SELECT 1) Z(I) T D("  + primary.port()
                    + ") C(INSERT 0 1) Z(I)", client.transcript(2));
        }
    }

    private static boolean running(Connection server, String text) {
        try {
            return !"0".equals(SessionPoolingIT.single(server, "SELECT count(*) FROM pg_stat_activity "
                    + "WHERE state = 'active' AND query LIKE '%" + text + "%' AND pid <> pg_backend_pid()"));
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static String port(Connection client) {
        try {
            return SessionPoolingIT.single(client, PORT);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
