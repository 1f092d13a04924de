package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import io.pgferry.testkit.ThreadPerTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** PgBouncer's timeouts and limits as pgferry applies them, each against the fixture server. */
@ExtendWith(PostgresExtension.class)
class LimitsAndTimeoutsIT {
    private static final String FAST_HOUSEKEEPING = "pgferry.housekeeping-interval = 100ms\n";

    private static CompletableFuture<String> query(Connection connection, String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return SessionPoolingIT.single(connection, sql);
            } catch (SQLException e) {
                return e.getSQLState() + ": " + e.getMessage();
            }
        }, ThreadPerTask.EXECUTOR);
    }

    @Test
    void queryTimeoutClosesTheServerAndTellsTheClient(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, FAST_HOUSEKEEPING + "pgferry.pool.query-timeout = 500ms");
             Connection client = proxy.connectApp()) {
            long started = System.nanoTime();
            SQLException error = assertThrows(SQLException.class, () -> SessionPoolingIT.single(client, "SELECT pg_sleep(10)"));
            assertEquals("57014", error.getSQLState());
            assertTrue(error.getMessage().contains("query_timeout"), error.getMessage());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "closed long before the query ended");
            try (Connection next = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(next, "SELECT 1"), "the proxy serves the next client");
            }
        }
    }

    @Test
    void transactionTimeoutEndsAClientThatKeepsATransactionOpen(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, FAST_HOUSEKEEPING
                + "pgferry.pool { mode = transaction, transaction-timeout = 500ms }");
             Connection client = proxy.connectApp()) {
            client.setAutoCommit(false);
            assertEquals("1", SessionPoolingIT.single(client, "SELECT 1"));
            Thread.sleep(1200);
            SQLException error = assertThrows(SQLException.class, () -> SessionPoolingIT.single(client, "SELECT 2"));
            assertEquals("25P04", error.getSQLState(), error.getMessage());
        }
    }

    @Test
    void aClientLogsInWhileEveryServerIsBusyAndWaitsOnlyForItsFirstQuery(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.pool { mode = transaction, size = 1 }");
             Connection holder = proxy.connectApp()) {
            holder.setAutoCommit(false);
            assertEquals("1", SessionPoolingIT.single(holder, "SELECT 1"));
            // The pool's only server is in the holder's transaction; a login needs none, as with PgBouncer. A raw
            // client, because pgjdbc queries during its connect.
            CompletableFuture<RawClient> login = CompletableFuture.supplyAsync(() -> {
                try {
                    return RawClient.trusted(proxy.port(), "trust_user", "app");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, ThreadPerTask.EXECUTOR);
            try (RawClient newcomer = login.get(5, TimeUnit.SECONDS)) {
                newcomer.send(RawClient.query("SELECT 2"));
                CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return newcomer.transcript(1);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, ThreadPerTask.EXECUTOR);
                Thread.sleep(300);
                assertFalse(first.isDone(), "the first query waits for the pool's server");
                holder.commit();
                assertEquals("T D(2) C(SELECT 1) Z(I)", first.get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void reservePoolOpensAServerForAClientWaitingPastTheReserveTimeout(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, FAST_HOUSEKEEPING
                + "pgferry.pool { mode = transaction, size = 1, reserve-size = 1, reserve-timeout = 300ms }");
             Connection holder = proxy.connectApp();
             Connection waiter = proxy.connectApp()) {
            holder.setAutoCommit(false);
            SessionPoolingIT.single(holder, "SELECT 1");
            long started = System.nanoTime();
            assertEquals("2", query(waiter, "SELECT 2").get(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(250), "served only after the reserve timeout");
            assertEquals(2, proxy.proxy().pools().all().iterator().next().stats().open());
            holder.commit();
        }
    }

    @Test
    void maxDbConnectionsBoundsAllPoolsOfADatabase(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, FAST_HOUSEKEEPING
                + "pgferry.pool.mode = transaction\npgferry.databases.\"*\".max-connections = 1");
             Connection first = proxy.connect("postgres", "scram_user", PostgresServer.Role.SCRAM.password);
             Connection second = proxy.connect("postgres", "md5_user", PostgresServer.Role.MD5.password);
             Connection direct = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app")) {
            first.setAutoCommit(false);
            SessionPoolingIT.single(first, "SELECT 1");
            CompletableFuture<String> blocked = query(second, "SELECT 2");
            Thread.sleep(500);
            assertFalse(blocked.isDone(), "the other user's pool may not open a second server for the database");
            assertEquals(1, proxy.proxy().pools().databaseConnections("postgres")[0], "one server slot taken");
            // A server pgferry closed to make room may take a moment to leave pg_stat_activity.
            String backends = "";
            for (int i = 0; i < 40 && !backends.equals("1"); i++) {
                backends = SessionPoolingIT.single(direct, "SELECT count(*) FROM pg_stat_activity"
                        + " WHERE datname = 'postgres' AND usename IN ('scram_user', 'md5_user')");
                Thread.sleep(50);
            }
            assertEquals("1", backends, "PostgreSQL sees one backend for the database");
            first.commit();
            assertEquals("2", blocked.get(5, TimeUnit.SECONDS), "served once the first pool's idle server made room");
        }
    }

    @Test
    void maxUserConnectionsBoundsAllPoolsOfAnUpstreamUser(PostgresServer server) throws Exception {
        String other = "pgferry.databases.app2 { upstream = \"postgres://scram_user@" + server.host() + ":"
                + server.port() + "/postgres?sslmode=disable\", password = \"" + PostgresServer.Role.SCRAM.password + "\" }\n";
        try (TestProxy proxy = TestProxy.start(server, FAST_HOUSEKEEPING + other
                + "pgferry.pool.mode = transaction\npgferry.max-user-connections = 1");
             Connection first = proxy.connectApp();
             Connection second = proxy.connect("app2", TestProxy.APP_USER, TestProxy.APP_PASSWORD)) {
            first.setAutoCommit(false);
            SessionPoolingIT.single(first, "SELECT 1");
            CompletableFuture<String> blocked = query(second, "SELECT 2");
            Thread.sleep(500);
            assertFalse(blocked.isDone(), "scram_user already has its one server");
            first.commit();
            assertEquals("2", blocked.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void serverLoginRetryRefusesAtOnceThenTriesAgain(PostgresServer server) throws Exception {
        String down = "pgferry.databases.down { upstream = \"postgres://scram_user:x@127.0.0.1:"
                + PostgresServer.freePort() + "/app?sslmode=disable\" }\n";
        try (TestProxy proxy = TestProxy.start(server, down + "pgferry.pool.login-retry = 1500ms")) {
            SQLException first = assertThrows(SQLException.class,
                    () -> proxy.connect("down", TestProxy.APP_USER, TestProxy.APP_PASSWORD));
            assertEquals("08006", first.getSQLState());
            assertFalse(first.getMessage().contains("server_login_retry"), first.getMessage());
            SQLException cached = assertThrows(SQLException.class,
                    () -> proxy.connect("down", TestProxy.APP_USER, TestProxy.APP_PASSWORD));
            assertEquals("08006", cached.getSQLState());
            assertTrue(cached.getMessage().contains("server_login_retry"), cached.getMessage());
            Thread.sleep(1600);
            SQLException retried = assertThrows(SQLException.class,
                    () -> proxy.connect("down", TestProxy.APP_USER, TestProxy.APP_PASSWORD));
            assertFalse(retried.getMessage().contains("server_login_retry"), "a new attempt after the retry pause");
        }
    }

    @Test
    void serverLifetimeAndIdleTimeoutCloseServers(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, FAST_HOUSEKEEPING
                + "pgferry.pool { mode = transaction, max-lifetime = 300ms, lifetime-jitter = 0 }")) {
            String firstPid;
            try (Connection client = proxy.connectApp()) {
                firstPid = SessionPoolingIT.single(client, "SELECT pg_backend_pid()");
                Thread.sleep(600);
                assertFalse(firstPid.equals(SessionPoolingIT.single(client, "SELECT pg_backend_pid()")),
                        "a server past server_lifetime is replaced");
            }
        }
        try (TestProxy proxy = TestProxy.start(server, FAST_HOUSEKEEPING + "pgferry.pool.idle-timeout = 300ms");
             Connection client = proxy.connectApp()) {
            client.close();
            Thread.sleep(800);
            assertEquals(0, proxy.proxy().pools().all().iterator().next().stats().open(),
                    "an idle server past server_idle_timeout is closed");
        }
    }

    @Test
    void maxClientConnectionsRefusesWith53300(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.max-client-connections = 1");
             Connection only = proxy.connectApp()) {
            SQLException refused = assertThrows(SQLException.class, proxy::connectApp);
            assertEquals("53300", refused.getSQLState());
            assertEquals("1", SessionPoolingIT.single(only, "SELECT 1"));
        }
    }

    /**
     * server_check_delay and server_check_query: an idle server runs the check before it serves the next client;
     * one whose check fails is closed and the client is served by a fresh server, without an error.
     */
    @Test
    void anIdleServerIsCheckedBeforeReuseAndReplacedWhenTheCheckFails(PostgresServer server) throws Exception {
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             java.sql.Statement statement = admin.createStatement()) {
            statement.execute("DROP SEQUENCE IF EXISTS pgferry_checks");
            statement.execute("CREATE SEQUENCE pgferry_checks MINVALUE 0 START 1 MAXVALUE 1");
            statement.execute("GRANT ALL ON SEQUENCE pgferry_checks TO PUBLIC");
        }
        String hocon = "pgferry.pool { size = 1, server-check-delay = 0s, "
                + "server-check-query = \"SELECT nextval('public.pgferry_checks')\" }";
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            String first;
            try (Connection client = proxy.connectApp()) {
                first = SessionPoolingIT.single(client, "SELECT pg_backend_pid()");
            }
            awaitIdle(proxy);
            try (Connection client = proxy.connectApp()) {
                assertEquals(first, SessionPoolingIT.single(client, "SELECT pg_backend_pid()"), "checked, then reused");
                assertEquals("1 true", SessionPoolingIT.single(client,
                        "SELECT last_value || ' ' || is_called FROM public.pgferry_checks"), "the check ran once");
            }
            awaitIdle(proxy);
            try (Connection client = proxy.connectApp()) {
                String replacement = SessionPoolingIT.single(client, "SELECT pg_backend_pid()");
                assertFalse(first.equals(replacement), "the check failed (the sequence is exhausted): a new server");
            }
        }
    }

    /** Waits until the released server is back in the idle list, so the next client takes it from there. */
    private static void awaitIdle(TestProxy proxy) {
        TestProxy.awaitTrue(() -> proxy.proxy().pools().all().stream().allMatch(pool -> pool.stats().idle() == 1),
                "the server is idle");
    }
}
