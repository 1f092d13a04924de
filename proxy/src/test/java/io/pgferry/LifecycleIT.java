package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pgferry.config.ConfigLoader;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import io.pgferry.admin.ProxyControl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Reload without dropping clients, draining on shutdown, and the signals that trigger them in a real process. */
@ExtendWith(PostgresExtension.class)
class LifecycleIT {

    @Test
    void reloadResizesPoolsAndAddsDatabasesWithoutDroppingClients(PostgresServer server) throws Exception {
        String before = "pgferry.pool { size = 1, acquire-timeout = 500ms }";
        try (TestProxy proxy = TestProxy.start(server, before); Connection holder = proxy.connectApp()) {
            assertEquals("query_wait_timeout", assertThrows(SQLException.class, proxy::connectApp).getMessage()
                    .replaceAll(".*(query_wait_timeout).*", "$1"));
            String after = "pgferry.pool { size = 2, acquire-timeout = 500ms }\npgferry.databases.app2 { upstream = \"postgres://"
                    + "scram_user:scram-secret@127.0.0.1:" + server.port() + "/app?sslmode=disable\" }";
            proxy.proxy().reload(ConfigLoader.fromConfig(ConfigFactory.parseString(after)
                    .withFallback(ConfigFactory.parseString(TestProxy.hocon(server)))));
            try (Connection second = proxy.connectApp(); Connection added = proxy.connect("app2",
                    TestProxy.APP_USER, TestProxy.APP_PASSWORD)) {
                assertEquals("2", SessionPoolingIT.single(second, "SELECT 2"));
                assertEquals("3", SessionPoolingIT.single(added, "SELECT 3"));
            }
            assertEquals("1", SessionPoolingIT.single(holder, "SELECT 1"), "the connected client was not dropped");
        }
    }

    @Test
    void drainLetsARunningTransactionFinishAndRefusesNewClients(PostgresServer server) throws Exception {
        TestProxy proxy = TestProxy.start(server, "pgferry.pool.mode = transaction");
        Connection client = proxy.connectApp();
        client.setAutoCommit(false);
        CompletableFuture<String> running = CompletableFuture.supplyAsync(() -> {
            try {
                String value = SessionPoolingIT.single(client, "SELECT 'done' FROM pg_sleep(1)");
                client.commit();
                return value;
            } catch (SQLException e) {
                return e.getMessage();
            }
        });
        Thread.sleep(300);
        proxy.proxy().drainAndClose(Duration.ofSeconds(10), ProxyControl.ShutdownMode.WAIT_FOR_CLIENTS);
        assertEquals("done", running.get(10, TimeUnit.SECONDS));
        assertThrows(SQLException.class, proxy::connectApp);
        client.close();
    }

    @Test
    void sighupReloadsAndSigtermExitsARealProcess(PostgresServer server) throws Exception {
        Path config = Files.createTempFile("pgferry", ".conf");
        int port = PostgresServer.freePort();
        String base = TestProxy.hocon(server).replace("listen = \"127.0.0.1:0\"", "listen = \"127.0.0.1:" + port + "\"")
                + "\npgferry.admin-users = [alice]\n";
        Files.writeString(config, base + "pgferry.pool.size = 3\n");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.pgferry.Main", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(config.resolveSibling(config.getFileName() + ".log").toFile()).start();
        try {
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/pgbouncer?sslmode=disable&preferQueryMode=simple";
            Connection admin = null;
            for (int i = 0; i < 100 && admin == null; i++) {
                try {
                    admin = DriverManager.getConnection(url, TestProxy.APP_USER, TestProxy.APP_PASSWORD);
                } catch (SQLException notYet) {
                    Thread.sleep(100);
                }
            }
            assertTrue(admin != null, "pgferry started");
            assertEquals(List.of("3"), poolSizes(admin));
            Files.writeString(config, base + "pgferry.pool.size = 9\n");
            new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
            for (int i = 0; i < 50 && !poolSizes(admin).equals(List.of("9")); i++) {
                Thread.sleep(100);
            }
            assertEquals(List.of("9"), poolSizes(admin), "SIGHUP applied the new pool size");
            assertTrue(SessionPoolingIT.single(admin, "SHOW VERSION").startsWith("pgferry"),
                    "the admin session survived the reload");
            admin.close();
            new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "SIGTERM stops pgferry");
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(config);
            Files.deleteIfExists(config.resolveSibling(config.getFileName() + ".log"));
        }
    }

    private static List<String> poolSizes(Connection admin) throws SQLException {
        List<String> sizes = new java.util.ArrayList<>();
        try (ResultSet rows = admin.createStatement().executeQuery("SHOW DATABASES")) {
            while (rows.next()) {
                if (rows.getString("name").equals("app")) {
                    sizes.add(rows.getString("pool_size"));
                }
            }
        }
        return sizes;
    }
}
