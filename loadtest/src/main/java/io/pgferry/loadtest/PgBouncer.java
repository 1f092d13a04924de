package io.pgferry.loadtest;

import io.pgferry.testkit.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.concurrent.TimeUnit;

/**
 * PgBouncer run for comparison as an unprivileged user with its own ini in a temporary directory, in transaction
 * mode in front of the same PostgreSQL, with prepared statements on where the release supports them.
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

    static PgBouncer start(PgBouncerBinary binary, int postgresPort, String user, int poolSize,
                           Throughput.ClientTls clientTls) throws IOException, InterruptedException {
        return start(binary, postgresPort, user, poolSize, clientTls, null);
    }

    /** {@code password}: clients log in with it by SCRAM ({@code auth_type = scram-sha-256}); {@code null}: trust. */
    static PgBouncer start(PgBouncerBinary binary, int postgresPort, String user, int poolSize,
                           Throughput.ClientTls clientTls, String password) throws IOException, InterruptedException {
        return start(binary, postgresPort, user, poolSize, clientTls, password, ini -> ini);
    }

    /** As above, with {@code edit} applied to the ini first (another host list, other settings). */
    static PgBouncer start(PgBouncerBinary binary, int postgresPort, String user, int poolSize,
                           Throughput.ClientTls clientTls, String password, UnaryOperator<String> edit)
            throws IOException, InterruptedException {
        Path directory = Files.createTempDirectory("pgferry-pgbouncer-");
        // A copy the unprivileged user can run: a build cached under root's home is out of its reach.
        Path executable = Files.copy(binary.executable(), directory.resolve("pgbouncer"));
        int port = PostgresServer.freePort();
        Files.writeString(directory.resolve("userlist.txt"), "\"" + user + "\" \"" + (password == null ? "" : password)
                + "\"\n");
        String ini = edit.apply(ini(binary, postgresPort, port, poolSize, directory, clientTls));
        Files.writeString(directory.resolve("pgbouncer.ini"), password == null ? ini
                : ini.replace("auth_type = trust", "auth_type = scram-sha-256"));
        PgBouncerBinary.run(List.of("chmod", "-R", "a+rwX", directory.toString()), null);
        // The soft file limit raised to the hard one first, as a service manager would: at the usual 1024,
        // PgBouncer refuses clients past about a thousand, and another user's process cannot be raised from here.
        List<String> launch = List.of("sh", "-c", "ulimit -n \"$(ulimit -Hn)\" && exec \"$0\" \"$1\"",
                executable.toString(), directory.resolve("pgbouncer.ini").toString());
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.addAll(launch);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("stdout.log").toFile()).start();
        Path pidFile = directory.resolve("pgbouncer.pid");
        for (int i = 0; i < 100 && !Files.exists(pidFile) && process.isAlive(); i++) {
            Thread.sleep(50);
        }
        if (!Files.exists(pidFile)) {
            process.destroy();
            String output = Files.readString(directory.resolve("stdout.log"));
            PostgresServer.deleteRecursively(directory);
            throw new IOException(binary.description() + " did not start; its output:\n" + output);
        }
        return new PgBouncer(process, directory, port);
    }

    /**
     * The ini: plain server connections, as pgferry's upstream is in the comparison (releases since 1.20 would
     * otherwise encrypt them, the test PostgreSQL having TLS on); {@code max_prepared_statements} only for releases
     * that know it, as older ones refuse to start; with {@code clientTls}, TLS for clients that ask, as pgferry's
     * {@code tls.mode = allow}.
     */
    static String ini(PgBouncerBinary binary, int postgresPort, int port, int poolSize, Path directory,
                      Throughput.ClientTls clientTls) {
        String ini = """
                [databases]
                app = host=127.0.0.1 port=%d dbname=app user=%s password=%s
                [pgbouncer]
                listen_addr = 127.0.0.1
                listen_port = %d
                unix_socket_dir =
                auth_type = trust
                auth_file = %s
                server_tls_sslmode = disable
                pool_mode = transaction
                default_pool_size = %d
                max_client_conn = 20000
                ignore_startup_parameters = extra_float_digits,options
                logfile = %s
                pidfile = %s
                """.formatted(postgresPort, PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password, port,
                directory.resolve("userlist.txt"), poolSize, directory.resolve("pgbouncer.log"),
                directory.resolve("pgbouncer.pid"));
        if (clientTls != null) {
            ini += "client_tls_sslmode = allow\nclient_tls_cert_file = %s\nclient_tls_key_file = %s\n"
                    .formatted(clientTls.certificate(), clientTls.key());
        }
        // 200 is current releases' default; set explicitly because 1.21, the first with the setting, had it off.
        return binary.supportsPreparedStatements() ? ini + "max_prepared_statements = 200\n" : ini;
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
        PostgresServer.deleteRecursively(directory);
    }
}
