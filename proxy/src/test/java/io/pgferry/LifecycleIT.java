package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pgferry.config.ConfigLoader;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import io.pgferry.testkit.ThreadPerTask;
import java.nio.file.Files;
import java.nio.file.Path;
import io.pgferry.context.ProxyControl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
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
        }, ThreadPerTask.EXECUTOR);
        Thread.sleep(300);
        proxy.proxy().drainAndClose(Duration.ofSeconds(10), ProxyControl.ShutdownMode.WAIT_FOR_CLIENTS);
        assertEquals("done", running.get(10, TimeUnit.SECONDS));
        assertThrows(SQLException.class, proxy::connectApp);
        client.close();
    }

    /**
     * A pgferry child process on a free port with the shared configuration plus {@code extra}. Its signals start
     * at their defaults, as under a service manager, whatever the test run's own parent ignored (nohup).
     */
    private record Child(Process process, int port, Path config, Path log) implements AutoCloseable {
        static Child start(PostgresServer server, String extra) throws Exception {
            return start(server, extra, "--default-signal=HUP,INT,TERM");
        }

        /** {@code signals} are options of env(1) that set the child's signal dispositions. */
        static Child start(PostgresServer server, String extra, String... signals) throws Exception {
            Path config = Files.createTempFile("pgferry", ".conf");
            int port = PostgresServer.freePort();
            Files.writeString(config, TestProxy.hocon(server).replace("listen = \"127.0.0.1:0\"",
                    "listen = \"127.0.0.1:" + port + "\"") + "\npgferry.admin-users = [alice]\n" + extra);
            Path log = config.resolveSibling(config.getFileName() + ".log");
            List<String> command = new ArrayList<>(List.of("env"));
            command.addAll(List.of(signals));
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (Runtime.version().feature() >= 22) {
                // pgferry.jar's manifest allows Netty's JNI loading; run from the class path, JDK 22+ would warn on stderr.
                command.add("--enable-native-access=ALL-UNNAMED");
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.pgferry.Main", "--config", config.toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new Child(process, port, config, log);
        }

        Connection connect(String database, String parameters) throws Exception {
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?sslmode=disable" + parameters;
            for (int i = 0; i < 100; i++) {
                try {
                    return DriverManager.getConnection(url, TestProxy.APP_USER, TestProxy.APP_PASSWORD);
                } catch (SQLException notYet) {
                    Thread.sleep(100);
                }
            }
            throw new AssertionError("pgferry did not start: " + Files.readString(log));
        }

        void signal(String name) throws Exception {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            Files.deleteIfExists(config);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void sighupReloadsAndSigtermDrainsPgbenchWithoutFailedTransactions(PostgresServer server) throws Exception {
        try (Child child = Child.start(server, "pgferry.pool { size = 3, mode = transaction }\npgferry.log-format = json\n")) {
            Connection admin = child.connect("pgbouncer", "&preferQueryMode=simple");
            assertEquals(List.of("3"), poolSizes(admin));
            // A psql session, connected before the reload, that must survive it.
            ProcessBuilder psqlBuilder = new ProcessBuilder("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                    "postgresql://" + TestProxy.APP_USER + "@127.0.0.1:" + child.port() + "/app?sslmode=disable")
                    .redirectErrorStream(true);
            psqlBuilder.environment().put("PGPASSWORD", TestProxy.APP_PASSWORD);
            Process psql = psqlBuilder.start();
            var psqlInput = new java.io.PrintStream(psql.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
            psqlInput.println("SELECT 'before reload', pg_backend_pid() > 0;");
            Files.writeString(child.config(), Files.readString(child.config()).replace("size = 3", "size = 9"));
            Thread.sleep(300);
            child.signal("HUP");
            for (int i = 0; i < 50 && !poolSizes(admin).equals(List.of("9")); i++) {
                Thread.sleep(100);
            }
            assertEquals(List.of("9"), poolSizes(admin), "SIGHUP applied the new pool size");
            // Log lines are buffered, but reach stderr within the flush interval while pgferry runs on.
            String logged = "";
            for (int i = 0; i < 50 && !logged.contains("configuration reloaded"); i++) {
                Thread.sleep(100);
                logged = Files.readString(child.log());
            }
            assertTrue(logged.contains("configuration reloaded"), "an INFO line is flushed while running: " + logged);
            assertTrue(SessionPoolingIT.single(admin, "SHOW VERSION").startsWith("pgferry"),
                    "the admin session survived the reload");
            admin.close();
            psqlInput.println("SELECT 'after reload';");
            psqlInput.println("\\q");
            assertTrue(psql.waitFor(20, TimeUnit.SECONDS), "psql finished");
            String psqlOutput = new String(psql.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, psql.exitValue(), psqlOutput);
            assertTrue(psqlOutput.contains("before reload|t") && psqlOutput.contains("after reload"),
                    "the psql session kept working across SIGHUP: " + psqlOutput);
            String url = "postgresql://" + TestProxy.APP_USER + "@127.0.0.1:" + child.port() + "/app?sslmode=disable";
            assertEquals(0, ClientTools.run(TestProxy.APP_PASSWORD, List.of("pgbench", "-i", "-q", "-s", "1", url)).exitCode());
            CompletableFuture<ClientTools.Result> bench = CompletableFuture.supplyAsync(() -> {
                try {
                    return ClientTools.run(TestProxy.APP_PASSWORD, List.of("pgbench", "-c", "4", "-j", "4", "-T", "30", url));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, ThreadPerTask.EXECUTOR);
            Thread.sleep(2000);
            child.signal("TERM");
            assertTrue(child.process().waitFor(20, TimeUnit.SECONDS), "SIGTERM stops pgferry");
            ClientTools.Result result = bench.get(30, TimeUnit.SECONDS);
            assertTrue(ClientTools.processedTransactions(result.output()) > 0, result.output());
            assertEquals(0, ClientTools.failedTransactions(result.output()), "no transaction was cut off: " + result.output());
            List<String> lines = Files.readAllLines(child.log());
            assertTrue(lines.stream().anyMatch(line -> line.contains("configuration reloaded")), String.join("\n", lines));
            assertTrue(lines.stream().filter(line -> !line.isBlank()).allMatch(line -> line.startsWith("{") && line.endsWith("}")),
                    "JSON log lines: " + String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(line -> line.contains("logged in: user alice")), "client connects are logged");
            assertTrue(lines.stream().noneMatch(line -> line.contains(TestProxy.APP_PASSWORD)), "no secret is logged");
        }
    }

    /** Started under nohup, the JVM cannot catch HUP: pgferry says so at start, and the console's RELOAD works. */
    @Test
    void aSighupIgnoredByTheParentIsReportedAndReloadStillWorks(PostgresServer server) throws Exception {
        try (Child child = Child.start(server, "pgferry.pool { size = 3, mode = transaction }\n",
                "--default-signal=INT,TERM", "--ignore-signal=HUP");
             Connection admin = child.connect("pgbouncer", "&preferQueryMode=simple")) {
            String logged = Files.readString(child.log());
            for (int i = 0; i < 50 && !logged.contains("SIGHUP was ignored"); i++) {
                Thread.sleep(100);
                logged = Files.readString(child.log());
            }
            assertTrue(logged.contains("SIGHUP was ignored by the process that started pgferry (nohup?) and stays "
                    + "ignored: use the admin console's RELOAD instead"), logged);
            assertFalse(logged.contains("SIGTERM was ignored") || logged.contains("SIGINT was ignored"), logged);
            Files.writeString(child.config(), Files.readString(child.config()).replace("size = 3", "size = 9"));
            admin.createStatement().execute("RELOAD");
            assertEquals(List.of("9"), poolSizes(admin));
        }
    }

    @Test
    void aSecondSigtermExitsAtOnceWhileDraining(PostgresServer server) throws Exception {
        try (Child child = Child.start(server, "pgferry.shutdown-timeout = 60s\npgferry.log-connections = false\n");
             Connection busy = child.connect("app", "")) {
            CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
                try {
                    SessionPoolingIT.single(busy, "SELECT pg_sleep(30)");
                } catch (SQLException expected) {
                    // The connection dies with the process.
                }
            }, ThreadPerTask.EXECUTOR);
            Thread.sleep(500);
            child.signal("TERM");
            assertFalse(child.process().waitFor(1, TimeUnit.SECONDS), "the first SIGTERM waits for the running query");
            child.signal("TERM");
            assertTrue(child.process().waitFor(5, TimeUnit.SECONDS), "the second SIGTERM exits at once");
            sleeping.get(10, TimeUnit.SECONDS);
            String log = Files.readString(child.log());
            assertFalse(log.contains("logged in"), "log-connections = false: no line per login\n" + log);
            assertTrue(log.contains("second SIGTERM"), log);
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
