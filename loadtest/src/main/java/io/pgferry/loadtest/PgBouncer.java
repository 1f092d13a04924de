package io.pgferry.loadtest;

import io.pgferry.testkit.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PgBouncer from the Debian package, run for comparison as an unprivileged user with its own ini in a temporary
 * directory, in transaction mode in front of the same PostgreSQL. Installed with apt-get when missing.
 */
final class PgBouncer implements AutoCloseable {
    private final Process process;
    private final Path directory;
    private final int port;

    private PgBouncer(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    static PgBouncer start(PostgresServer postgres, String user, int poolSize) throws IOException, InterruptedException {
        installIfMissing();
        Path directory = Files.createTempDirectory("pgferry-pgbouncer-");
        int port = PostgresServer.freePort();
        Files.writeString(directory.resolve("userlist.txt"), "\"" + user + "\" \"\"\n");
        Files.writeString(directory.resolve("pgbouncer.ini"), """
                [databases]
                app = host=127.0.0.1 port=%d dbname=app user=%s password=%s
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = trust
                auth_file = %s
                pool_mode = transaction
                default_pool_size = %d
                max_client_conn = 20000
                ignore_startup_parameters = extra_float_digits,options
                logfile = %s
                pidfile = %s
                """.formatted(postgres.port(), PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password, port,
                directory.resolve("userlist.txt"), poolSize, directory.resolve("pgbouncer.log"),
                directory.resolve("pgbouncer.pid")));
        run(List.of("chmod", "-R", "a+rwX", directory.toString()));
        List<String> command = "root".equals(System.getProperty("user.name"))
                ? List.of("runuser", "-u", "postgres", "--", "pgbouncer", directory.resolve("pgbouncer.ini").toString())
                : List.of("pgbouncer", directory.resolve("pgbouncer.ini").toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("stdout.log").toFile()).start();
        PgBouncer bouncer = new PgBouncer(process, directory, port);
        for (int i = 0; i < 100 && !Files.exists(directory.resolve("pgbouncer.pid")); i++) {
            Thread.sleep(50);
        }
        return bouncer;
    }

    private static void installIfMissing() throws IOException, InterruptedException {
        if (new ProcessBuilder("sh", "-c", "command -v pgbouncer").start().waitFor() == 0) {
            return;
        }
        run(List.of("apt-get", "install", "-y", "-q", "pgbouncer"));
        new ProcessBuilder("service", "pgbouncer", "stop").start().waitFor();
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException("failed: " + command);
        }
    }

    int port() {
        return port;
    }

    /** The PgBouncer process id: the child of runuser when run as root. */
    long pid() {
        try {
            return Long.parseLong(Files.readString(directory.resolve("pgbouncer.pid")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        ProcessHandle.of(pid()).ifPresent(ProcessHandle::destroy);
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot delete " + directory);
        }
    }
}
