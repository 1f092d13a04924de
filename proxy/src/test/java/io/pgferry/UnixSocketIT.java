package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Unix-domain socket listener (PgBouncer's unix_socket_dir): {@code psql -h DIR -p PORT} logs in and queries
 * through it, the admin console shows such a client as "unix", and the socket file goes when pgferry stops
 * (issue 26, item 8).
 */
@ExtendWith(PostgresExtension.class)
class UnixSocketIT {

    @Test
    void psqlConnectsThroughTheSocketDirectory(PostgresServer server, @TempDir Path directory) throws Exception {
        Path socket;
        try (TestProxy proxy = TestProxy.start(server, "pgferry.admin-users = [alice]\npgferry.listen-unix = \""
                + directory + "\"")) {
            socket = directory.resolve(".s.PGSQL." + proxy.port());
            assertTrue(Files.exists(socket), "PostgreSQL's socket file name, for the TCP port");
            List<String> psql = List.of("psql", "-X", "-At", "-h", directory.toString(), "-p",
                    String.valueOf(proxy.port()), "-U", TestProxy.APP_USER, "-d", "app");
            ClientTools.Result query = ClientTools.run(TestProxy.APP_PASSWORD, concat(psql, "-c", "select 40 + 2"));
            assertEquals(0, query.exitCode(), query.output());
            assertEquals("42", query.output().strip());

            ProcessBuilder sleeper = new ProcessBuilder(concat(psql, "-c", "select pg_sleep(20)"));
            sleeper.environment().putAll(Map.of("PGPASSWORD", TestProxy.APP_PASSWORD));
            Process sleeping = sleeper.start();
            try (Connection console = proxy.connect("pgbouncer", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                    "preferQueryMode=simple")) {
                TestProxy.awaitTrue(() -> unixClients(console) == 1, "SHOW CLIENTS lists the psql as unix");
            } finally {
                sleeping.destroy();
                sleeping.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertFalse(Files.exists(socket), "the socket file goes with pgferry");
    }

    private static int unixClients(Connection console) {
        try (Statement statement = console.createStatement(); ResultSet clients = statement.executeQuery("SHOW CLIENTS")) {
            int unix = 0;
            while (clients.next()) {
                unix += clients.getString("addr").equals("unix") ? 1 : 0;
            }
            return unix;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> concat(List<String> command, String... more) {
        return java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of(more)).toList();
    }
}
