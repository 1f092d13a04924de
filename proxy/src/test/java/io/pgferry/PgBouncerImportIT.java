package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgferry.config.ConfigLoader;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PgBouncer user's migration, end to end: the jar converts a pgbouncer.ini and userlist.txt for a real
 * PostgreSQL, the output passes --check, and a client logs in and queries through pgferry running it (issue 26).
 */
@ExtendWith(PostgresExtension.class)
class PgBouncerImportIT {

    @Test
    void aConvertedConfigurationServesClients(PostgresServer server, @TempDir Path directory) throws Exception {
        int port = PostgresServer.freePort();
        Path ini = Files.writeString(directory.resolve("pgbouncer.ini"), """
                [databases]
                app = host=127.0.0.1 port=%d dbname=app
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                auth_type = scram-sha-256
                auth_file = userlist.txt
                pool_mode = transaction
                default_pool_size = 5
                server_tls_sslmode = disable
                logfile = /var/log/pgbouncer/pgbouncer.log
                """.formatted(server.port(), port));
        Path userlist = Files.writeString(directory.resolve("userlist.txt"), "\"%s\" \"%s\"\n"
                .formatted(PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password));
        Path converted = directory.resolve("pgferry.conf");
        Files.writeString(converted, jar("import-pgbouncer", ini.toString(), userlist.toString()));
        assertEquals("configuration OK", jar("--check", "--config", converted.toString()).strip());
        try (Proxy proxy = Proxy.start(ConfigLoader.load(converted));
             Connection client = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app",
                     PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password)) {
            assertEquals("2", SessionPoolingIT.single(client, "SELECT 1 + 1"));
        }
    }

    /** Runs the production jar; returns its standard output, failing on a non-zero status. */
    private static String jar(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", Path.of("target", "pgferry.jar").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), errors);
        return output;
    }
}
