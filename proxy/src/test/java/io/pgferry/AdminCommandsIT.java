package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.context.ProxyControl;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import io.pgferry.testkit.ThreadPerTask;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The console's SHOW commands against PgBouncer's column lists, and its control commands' effects. */
@ExtendWith(PostgresExtension.class)
class AdminCommandsIT {
    private static final String ADMIN = "pgferry.admin-users = [alice]\npgferry.stats-users = [scram_user]\n";
    private static final Map<String, List<String>> COLUMNS = Map.of(
            "STATS", List.of("database", "total_server_assignment_count", "total_xact_count", "total_query_count",
                    "total_received", "total_sent", "total_xact_time", "total_query_time", "total_wait_time",
                    "total_client_parse_count", "total_server_parse_count", "total_bind_count",
                    "avg_server_assignment_count", "avg_xact_count", "avg_query_count", "avg_recv", "avg_sent",
                    "avg_xact_time", "avg_query_time", "avg_wait_time", "avg_client_parse_count",
                    "avg_server_parse_count", "avg_bind_count"),
            "CLIENTS", connectionColumns(),
            "SERVERS", connectionColumns(),
            "USERS", List.of("name", "pool_size", "reserve_pool_size", "pool_mode", "max_user_connections",
                    "current_connections", "max_user_client_connections", "current_client_connections"),
            "CONFIG", List.of("key", "value", "default", "changeable"),
            "LISTS", List.of("list", "items"),
            "STATE", List.of("key", "value"));

    private static List<String> connectionColumns() {
        return List.of("type", "user", "database", "replication", "state", "addr", "port", "local_addr", "local_port",
                "connect_time", "request_time", "wait", "wait_us", "close_needed", "ptr", "link", "remote_pid", "tls",
                "application_name", "prepared_statements", "id");
    }

    private static Connection console(TestProxy proxy) throws SQLException {
        return proxy.connect("pgbouncer", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "preferQueryMode=simple");
    }

    private static List<Map<String, String>> rows(Connection console, String command) throws SQLException {
        List<Map<String, String>> rows = new ArrayList<>();
        try (Statement statement = console.createStatement(); ResultSet result = statement.executeQuery(command)) {
            while (result.next()) {
                Map<String, String> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                    row.put(result.getMetaData().getColumnName(i), result.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static CompletableFuture<String> async(Connection connection, String sql) {
        return CompletableFuture.supplyAsync(() -> {
            try (Statement statement = connection.createStatement()) {
                if (statement.execute(sql)) {
                    try (ResultSet result = statement.getResultSet()) {
                        return result.next() ? result.getString(1) : "";
                    }
                }
                return "done";
            } catch (SQLException e) {
                return e.getSQLState() + ": " + e.getMessage();
            }
        }, ThreadPerTask.EXECUTOR);
    }

    @Test
    void everyShowCommandHasPgBouncersColumnsInOrder(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, ADMIN + "pgferry.pool.mode = transaction");
             Connection app = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "ApplicationName=shown");
             Connection console = console(proxy)) {
            SessionPoolingIT.single(app, "SELECT 1");
            for (var entry : COLUMNS.entrySet()) {
                try (Statement statement = console.createStatement();
                     ResultSet result = statement.executeQuery("SHOW " + entry.getKey())) {
                    List<String> names = new ArrayList<>();
                    for (int i = 1; i <= result.getMetaData().getColumnCount(); i++) {
                        names.add(result.getMetaData().getColumnName(i));
                    }
                    assertEquals(entry.getValue(), names.subList(0, entry.getValue().size()), "SHOW " + entry.getKey());
                }
            }
            Map<String, String> client = rows(console, "SHOW CLIENTS").stream()
                    .filter(row -> "shown".equals(row.get("application_name"))).findFirst().orElseThrow();
            assertEquals("C", client.get("type"));
            assertEquals("alice", client.get("user"));
            assertEquals("app", client.get("database"));
            Map<String, String> serverRow = rows(console, "SHOW SERVERS").get(0);
            assertEquals("S", serverRow.get("type"));
            assertEquals("scram_user", serverRow.get("user"));
            Map<String, String> stats = rows(console, "SHOW STATS").get(0);
            assertTrue(Long.parseLong(stats.get("total_xact_count")) >= 1, stats.toString());
            assertTrue(Long.parseLong(stats.get("total_received")) > 0, stats.toString());
            assertTrue(rows(console, "SHOW CONFIG").stream().anyMatch(row -> row.get("key").equals("max_client_conn")));
            assertTrue(rows(console, "SHOW LISTS").stream().anyMatch(row -> row.get("list").equals("used_clients")));
            assertEquals("yes", rows(console, "SHOW STATE").get(0).get("value"));
        }
    }

    @Test
    void pauseWaitsForRunningTransactionsAndResumeLetsWaitersIn(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, ADMIN + "pgferry.pool.mode = transaction");
             Connection holder = proxy.connectApp();
             Connection later = proxy.connectApp();
             Connection console = console(proxy)) {
            holder.setAutoCommit(false);
            SessionPoolingIT.single(holder, "SELECT 1");
            CompletableFuture<String> pause = async(console, "PAUSE app");
            Thread.sleep(300);
            assertFalse(pause.isDone(), "PAUSE waits for the open transaction");
            holder.commit();
            assertEquals("done", pause.get(5, TimeUnit.SECONDS));
            CompletableFuture<String> waiting = async(later, "SELECT 'after resume'");
            TestProxy.awaitTrue(() -> proxy.proxy().pools().all().iterator().next().stats().waiting() == 1,
                    "the client waits in the paused pool");
            assertFalse(waiting.isDone(), "a paused pool hands out no server");
            try (Connection second = console(proxy)) {
                async(second, "RESUME app").get(5, TimeUnit.SECONDS);
            }
            assertEquals("after resume", waiting.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void showCacheCountsAndCacheClearEmptiesIt(PostgresServer server) throws Exception {
        String hocon = ADMIN + "pgferry { pool.mode = transaction, cache.enabled = true }";
        try (TestProxy proxy = TestProxy.start(server, hocon); Connection client = proxy.connectApp();
             Connection console = console(proxy)) {
            TestProxy.awaitTrue(() -> {
                try {
                    SessionPoolingIT.single(client, "SELECT 'shown in SHOW CACHE'");
                    return Long.parseLong(rows(console, "SHOW CACHE").get(0).get("hits")) > 0;
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            }, "a hit is counted");
            Map<String, String> row = rows(console, "SHOW CACHE").get(0);
            assertEquals("app", row.get("database"));
            assertTrue(Long.parseLong(row.get("entries")) >= 1, row.toString());
            assertTrue(Long.parseLong(row.get("misses")) >= 1, row.toString());
            assertEquals("done", async(console, "CACHE CLEAR app").get(5, TimeUnit.SECONDS));
            assertEquals("0", rows(console, "SHOW CACHE").get(0).get("entries"));
            assertTrue(async(console, "CACHE FLUSH").get(5, TimeUnit.SECONDS).startsWith("42601"));
        }
    }

    @Test
    void killClientDisableEnableAndReconnect(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, ADMIN);
             Connection victim = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "ApplicationName=victim");
             Connection console = console(proxy)) {
            String id = rows(console, "SHOW CLIENTS").stream().filter(row -> "victim".equals(row.get("application_name")))
                    .findFirst().orElseThrow().get("id");
            assertEquals("done", async(console, "KILL_CLIENT " + id).get(5, TimeUnit.SECONDS));
            SQLException killed = assertThrows(SQLException.class, () -> SessionPoolingIT.single(victim, "SELECT 1"));
            assertTrue(killed.getSQLState().startsWith("08") || "57P01".equals(killed.getSQLState()), killed.getSQLState());
            assertTrue(async(console, "KILL_CLIENT 999999").get(5, TimeUnit.SECONDS).startsWith("55000"));

            async(console, "DISABLE app").get(5, TimeUnit.SECONDS);
            SQLException disabled = assertThrows(SQLException.class, proxy::connectApp);
            assertEquals("55000", disabled.getSQLState());
            async(console, "ENABLE app").get(5, TimeUnit.SECONDS);

            String before;
            try (Connection client = proxy.connectApp()) {
                before = SessionPoolingIT.single(client, "SELECT pg_backend_pid()");
                assertEquals("done", async(console, "RECONNECT app").get(5, TimeUnit.SECONDS));
            }
            assertEquals("done", async(console, "WAIT_CLOSE app").get(5, TimeUnit.SECONDS));
            try (Connection client = proxy.connectApp()) {
                assertNotEquals(before, SessionPoolingIT.single(client, "SELECT pg_backend_pid()"),
                        "RECONNECT replaced the server once its client released it");
            }
        }
    }

    @Test
    void killDropsADatabasesClientsAndHoldsNewOnesUntilResume(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, ADMIN + "pgferry.pool.mode = transaction");
             Connection victim = proxy.connectApp();
             Connection console = console(proxy)) {
            SessionPoolingIT.single(victim, "SELECT 1");
            assertEquals("done", async(console, "KILL app").get(5, TimeUnit.SECONDS));
            assertThrows(SQLException.class, () -> SessionPoolingIT.single(victim, "SELECT 1"));
            CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
                try (Connection newcomer = proxy.connectApp()) {
                    return SessionPoolingIT.single(newcomer, "SELECT 'resumed'");
                } catch (SQLException e) {
                    return e.getMessage();
                }
            }, ThreadPerTask.EXECUTOR);
            TestProxy.awaitTrue(() -> proxy.proxy().pools().all().iterator().next().stats().waiting() == 1,
                    "the newcomer waits in the killed database's pool");
            assertFalse(held.isDone(), "a killed database holds new clients until RESUME");
            async(console, "RESUME").get(5, TimeUnit.SECONDS);
            assertEquals("resumed", held.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void statsUsersMayOnlyShowAndReloadAndShutdownReachTheProcess(PostgresServer server) throws Exception {
        TestProxy proxy = TestProxy.start(server, ADMIN);
        try (Connection stats = proxy.connect("pgbouncer", "scram_user", PostgresServer.Role.SCRAM.password,
                "preferQueryMode=simple");
             Connection console = console(proxy)) {
            assertEquals("yes", rows(stats, "SHOW STATE").get(0).get("value"), "stats users may SHOW");
            assertTrue(async(stats, "PAUSE").get(5, TimeUnit.SECONDS).startsWith("42501"));
            assertTrue(async(console, "RELOAD").get(5, TimeUnit.SECONDS).startsWith("55000"),
                    "no configuration file to reload in this process");
            var reloaded = io.pgferry.config.ConfigLoader.fromConfig(com.typesafe.config.ConfigFactory.parseString(
                    ADMIN + "pgferry.pool.size = 9").withFallback(com.typesafe.config.ConfigFactory.parseString(
                    TestProxy.hocon(server))));
            Lifecycle lifecycle = new Lifecycle(proxy.proxy(), null, Duration.ofSeconds(5));
            proxy.proxy().context().shared().control(new ProxyControl() {
                @Override
                public void reload() {
                    proxy.proxy().reload(reloaded);
                }

                @Override
                public void shutdown(ShutdownMode mode) {
                    lifecycle.shutdown(mode);
                }
            });
            assertEquals("done", async(console, "RELOAD").get(5, TimeUnit.SECONDS));
            assertEquals("9", rows(console, "SHOW DATABASES").stream().filter(row -> row.get("name").equals("app"))
                    .findFirst().orElseThrow().get("pool_size"));
            assertEquals("done", async(console, "SHUTDOWN WAIT_FOR_SERVERS").get(5, TimeUnit.SECONDS));
            for (int i = 0; i < 50 && canConnect(proxy); i++) {
                Thread.sleep(100);
            }
            assertFalse(canConnect(proxy), "SHUTDOWN closed the listener");
        } finally {
            proxy.close();
        }
    }

    private static boolean canConnect(TestProxy proxy) {
        try (Connection ignored = proxy.connectApp()) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
