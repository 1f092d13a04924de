package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import io.pgferry.testkit.ThreadPerTask;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bad input, exhausted pools and dead upstreams: the client gets a clear error and the proxy stays up. */
@ExtendWith(PostgresExtension.class)
class FaultsIT {

    @Test
    void exhaustedPoolQueuesFifoThenTimesOut(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.pool { size = 1, acquire-timeout = 800ms }")) {
            Connection holder = proxy.connectApp();
            SQLException timedOut = assertThrows(SQLException.class, proxy::connectApp);
            assertEquals("08P01", timedOut.getSQLState());
            assertTrue(timedOut.getMessage().contains("query_wait_timeout"), timedOut.getMessage());
            CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
                try (Connection connection = proxy.connectApp()) {
                    return SessionPoolingIT.single(connection, "SELECT 'served'");
                } catch (SQLException e) {
                    return e.getMessage();
                }
            }, ThreadPerTask.EXECUTOR);
            Thread.sleep(300);
            holder.close();
            assertEquals("served", waiter.get(10, TimeUnit.SECONDS), "a waiting client gets the released server");
        }
    }

    @Test
    void upstreamDownGivesAClearErrorAndTheProxyStaysUp(PostgresServer server) throws Exception {
        int closedPort = PostgresServer.freePort();
        String hocon = "pgferry.databases.down { upstream = \"postgres://scram_user:x@127.0.0.1:" + closedPort
                + "/app?sslmode=disable\" }";
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            SQLException e = assertThrows(SQLException.class,
                    () -> proxy.connect("down", TestProxy.APP_USER, TestProxy.APP_PASSWORD));
            assertEquals("08006", e.getSQLState());
            assertTrue(e.getMessage().contains("could not connect to server"), e.getMessage());
            try (Connection healthy = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(healthy, "SELECT 1"));
            }
        }
    }

    @Test
    void upstreamRestartHealsThePool(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.pool.size = 2")) {
            try (Connection connection = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"));
            }
            server.restart();
            try (Connection connection = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"),
                        "idle links killed by the restart are never handed out");
            }
        }
    }

    @Test
    void malformedMessagesGetProtocolViolationAndClose(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.max-message-size = 1KiB")) {
            try (RawClient client = new RawClient(proxy.port())) {
                client.send(new byte[] {0, 0, 0, 2, 0, 0, 0, 0});
                RawClient.Message error = client.read();
                assertEquals('E', error.type());
                assertEquals("08P01", error.sqlState());
                assertTrue(client.closedByPeer());
            }
            try (RawClient client = loggedIn(proxy)) {
                client.send(new byte[] {'Q', 0x7F, 0, 0, 0});
                RawClient.Message error = client.readUntil('E');
                assertEquals("08P01", error.sqlState());
                assertTrue(error.text().contains("exceeds the limit"), error.text());
                assertTrue(client.closedByPeer());
            }
            try (RawClient client = loggedIn(proxy)) {
                client.send(RawClient.typed('?', new byte[0]));
                assertEquals("08P01", client.readUntil('E').sqlState());
                assertTrue(client.closedByPeer());
            }
            try (RawClient client = new RawClient(proxy.port())) {
                client.send(RawClient.startup("database", "app"));
                assertEquals("28000", client.readUntil('E').sqlState(), "no user name");
            }
            try (RawClient client = new RawClient(proxy.port())) {
                client.send(new byte[] {0, 0, 0, 8, 0, 4, 0, 0});
                assertEquals("0A000", client.readUntil('E').sqlState(), "protocol 4.0");
            }
            try (Connection connection = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"), "the proxy serves on");
            }
        }
    }

    /** A trust-authenticated raw client, ready for queries. */
    private static RawClient loggedIn(TestProxy proxy) throws Exception {
        RawClient client = new RawClient(proxy.port());
        client.send(RawClient.startup("user", PostgresServer.Role.TRUST.user, "database", "postgres"));
        assertEquals('I', (char) client.readUntil('Z').body()[0]);
        return client;
    }

    @Test
    void sslRequestIsAnsweredAndGssencRefused(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.tls.mode = disable")) {
            try (RawClient client = new RawClient(proxy.port())) {
                client.send(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f});
                assertEquals('N', client.readByte());
                client.send(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x30});
                assertEquals('N', client.readByte());
                client.send(RawClient.startup("user", PostgresServer.Role.TRUST.user, "database", "postgres"));
                assertEquals('I', (char) client.readUntil('Z').body()[0]);
            }
        }
    }

    @Test
    void protocol32ClientsAreNegotiatedDownTo30(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, ""); RawClient client = new RawClient(proxy.port())) {
            byte[] startup = RawClient.startup("user", PostgresServer.Role.TRUST.user, "database", "postgres",
                    "_pq_.fancy", "on");
            startup[7] = 2;
            client.send(startup);
            RawClient.Message negotiate = client.read();
            assertEquals('v', negotiate.type());
            assertEquals(0, java.nio.ByteBuffer.wrap(negotiate.body()).getInt(0), "newest minor version: 0");
            assertEquals(1, java.nio.ByteBuffer.wrap(negotiate.body()).getInt(4));
            assertTrue(negotiate.text().contains("_pq_.fancy"));
            assertEquals('I', (char) client.readUntil('Z').body()[0]);
        }
    }

    @Test
    void cancelRequestWithAnUnknownKeyIsHarmless(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, ""); RawClient client = new RawClient(proxy.port())) {
            client.send(new byte[] {0, 0, 0, 16, 0x04, (byte) 0xd2, 0x16, 0x2e, 0, 0, 0, 1, 0, 0, 0, 2});
            assertTrue(client.closedByPeer());
            try (Connection connection = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"));
            }
        }
    }

    @Test
    void tooManyClientsAreRefusedWith53300(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.max-client-connections = 1");
             Connection first = proxy.connectApp()) {
            SQLException e = assertThrows(SQLException.class, proxy::connectApp);
            assertEquals("53300", e.getSQLState());
            assertEquals("1", SessionPoolingIT.single(first, "SELECT 1"));
        }
    }

    @Test
    void idleClientsAndIdleTransactionsAreDisconnected(PostgresServer server) throws Exception {
        String hocon = "pgferry.client-idle-timeout = 600ms\npgferry.idle-transaction-timeout = 300ms\npgferry.pool.mode = transaction";
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            try (Connection busy = proxy.connectApp()) {
                assertEquals("done", SessionPoolingIT.single(busy, "SELECT 'done' FROM pg_sleep(1)"),
                        "a request longer than both timeouts is not idleness");
            }
            Connection idle = proxy.connectApp();
            Thread.sleep(1200);
            SQLException idleError = assertThrows(SQLException.class, () -> SessionPoolingIT.single(idle, "SELECT 1"));
            assertTrue(idleError.getMessage().contains("client_idle_timeout") || idleError.getSQLState().startsWith("08"),
                    idleError.getMessage());
            Connection inTransaction = proxy.connectApp();
            inTransaction.setAutoCommit(false);
            SessionPoolingIT.single(inTransaction, "SELECT 1");
            Thread.sleep(800);
            assertThrows(SQLException.class, () -> SessionPoolingIT.single(inTransaction, "SELECT 2"));
            try (Connection next = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(next, "SELECT 1"), "the rolled-back server serves on");
            }
        }
    }

    @Test
    void clientsThatNeverLogInAreDisconnected(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.client-login-timeout = 300ms");
             RawClient idle = new RawClient(proxy.port())) {
            RawClient.Message error = idle.read();
            assertEquals("08P01", error.sqlState());
            assertTrue(error.text().contains("client_login_timeout"));
            assertTrue(idle.closedByPeer());
        }
    }
}
