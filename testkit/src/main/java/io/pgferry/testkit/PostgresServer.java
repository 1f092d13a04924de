package io.pgferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One throwaway PostgreSQL server: its own data directory, a random port on 127.0.0.1, TLS on with a generated
 * certificate, and one role per authentication method (see {@link Role}). When the JVM runs as root the
 * server runs as an unprivileged OS user, because PostgreSQL refuses to run as root.
 *
 * <p>{@link #close()} stops the server and deletes its files; a shutdown hook does the same if the JVM exits first.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String SUPERUSER = "postgres";
    public static final String SUPERUSER_PASSWORD = "postgres-secret";

    /** Roles created in every server, one per way PostgreSQL authenticates them over TCP. */
    public enum Role {
        SCRAM("scram_user", "scram-secret", "scram-sha-256"),
        MD5("md5_user", "md5-secret", "md5"),
        TRUST("trust_user", "trust-secret", "trust");

        public final String user;
        public final String password;
        final String method;

        Role(String user, String password, String method) {
            this.user = user;
            this.password = password;
            this.method = method;
        }
    }

    private final String version;
    private final Path directory;
    private final Path data;
    private final TestCertificates certificates;
    private final String osUser;
    private final int port;
    /** The loopback address it listens on: 127.0.0.1, or another for a standby sharing its primary's port. */
    private final String address;
    private final Thread shutdownHook = new Thread(this::stopQuietly, "postgres-fixture-stop");
    private volatile boolean running;
    private boolean deleted;

    private PostgresServer(String version, Path directory, String osUser, int port) {
        this(version, directory, osUser, port, "127.0.0.1");
    }

    private PostgresServer(String version, Path directory, String osUser, int port, String address) {
        this.address = address;
        this.version = version;
        this.directory = directory;
        this.data = directory.resolve("data");
        this.certificates = TestCertificates.generate(directory.resolve("tls"));
        this.osUser = osUser;
        this.port = port;
    }

    /** Starts a server of the version named by {@code -Dpgferry.postgres.version} (default 17). */
    public static PostgresServer start() {
        return start(System.getProperty("pgferry.postgres.version", PostgresBinaries.DEFAULT_VERSION));
    }

    public static PostgresServer start(String version) {
        Path binaries = PostgresBinaries.unpacked(version);
        try {
            Path directory = Files.createTempDirectory("pgferry-pg-");
            PostgresServer server = new PostgresServer(version, directory, unprivilegedUser(), freePort());
            Runtime.getRuntime().addShutdownHook(server.shutdownHook);
            try {
                server.initialize(binaries);
                server.startProcess(binaries);
                server.createRoles();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void initialize(Path binaries) throws IOException {
        Path passwordFile = directory.resolve("pwfile");
        Files.writeString(passwordFile, SUPERUSER_PASSWORD + "\n");
        if (osUser != null) {
            Processes.run(List.of("chmod", "755", directory.toString()));
            Processes.run(List.of("chown", "-R", osUser, directory.toString()));
        }
        Processes.run(Processes.as(osUser, List.of(binaries.resolve("bin/initdb").toString(), "-D", data.toString(),
                "-U", SUPERUSER, "--pwfile=" + passwordFile, "-A", "scram-sha-256", "-E", "UTF8", "--locale=C",
                "--no-sync")));
        Files.writeString(data.resolve("postgresql.auto.conf"), String.join("\n",
                "listen_addresses = '127.0.0.1'",
                "port = " + port,
                "unix_socket_directories = '" + directory + "'",
                "max_connections = 300",
                "shared_buffers = 32MB",
                "fsync = off",
                "synchronous_commit = off",
                "full_page_writes = off",
                "ssl = on",
                "ssl_cert_file = '" + certificates.serverCertificate() + "'",
                "ssl_key_file = '" + certificates.serverKey() + "'",
                "log_min_messages = warning",
                "shared_preload_libraries = 'pg_stat_statements'",
                "") + "\n");
        // Replication over the Unix socket lets a standby of this server stream from it (startStandby).
        StringBuilder hba = new StringBuilder("local all all trust\nlocal replication all trust\n");
        for (Role role : Role.values()) {
            hba.append("host all ").append(role.user).append(" 127.0.0.0/8 ").append(role.method).append('\n');
        }
        hba.append("host all all 127.0.0.0/8 scram-sha-256\n");
        Files.writeString(data.resolve("pg_hba.conf"), hba.toString());
        if (osUser != null) {
            Processes.run(List.of("chown", "-R", osUser, directory.toString()));
        }
        Processes.run(List.of("chmod", "600", certificates.serverKey().toString()));
    }

    private void startProcess(Path binaries) {
        Processes.run(Processes.as(osUser, List.of(binaries.resolve("bin/pg_ctl").toString(), "-D", data.toString(),
                "-l", directory.resolve("postgres.log").toString(), "-w", "-t", "60", "start")));
        running = true;
    }

    private void createRoles() {
        try (Connection connection = connect(SUPERUSER, SUPERUSER_PASSWORD, "postgres");
             Statement statement = connection.createStatement()) {
            for (Role role : Role.values()) {
                String encryption = role == Role.MD5 ? "md5" : "scram-sha-256";
                statement.execute("SET password_encryption = '" + encryption + "'");
                statement.execute("CREATE ROLE " + role.user + " LOGIN PASSWORD '" + role.password + "'");
            }
            statement.execute("CREATE DATABASE app");
            statement.execute("GRANT ALL ON DATABASE app TO PUBLIC");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test roles", e);
        }
        try (Connection connection = connect(SUPERUSER, SUPERUSER_PASSWORD, "app");
             Statement statement = connection.createStatement()) {
            statement.execute("GRANT ALL ON SCHEMA public TO PUBLIC");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare database app", e);
        }
    }

    /**
     * A streaming standby of this server, started on a port and directory of its own with the same roles;
     * {@link #promote()} makes it a primary. The zonky binaries have no pg_basebackup, so the base backup is
     * PostgreSQL's low-level one: pg_backup_start, a copy of the data directory, pg_backup_stop's backup_label, with
     * a replication slot keeping the WAL the standby streams from. Close the standby before this server.
     */
    public PostgresServer startStandby() {
        return startStandby("127.0.0.1", freePort());
    }

    /**
     * As {@link #startStandby()}, listening on {@code address} (a loopback address such as 127.0.0.2) and
     * {@code port}: a standby on another address can share its primary's port, as hosts of one cluster do, which
     * poolers whose host lists take one port (PgBouncer) need.
     */
    public PostgresServer startStandby(String address, int standbyPort) {
        Path binaries = PostgresBinaries.unpacked(version);
        try {
            PostgresServer standby = new PostgresServer(version, Files.createTempDirectory("pgferry-pg-standby-"),
                    osUser, standbyPort, address);
            Runtime.getRuntime().addShutdownHook(standby.shutdownHook);
            String slot = "standby_" + standby.port;
            try (Connection connection = connect(SUPERUSER, SUPERUSER_PASSWORD, "postgres");
                 Statement statement = connection.createStatement()) {
                if (osUser != null) {
                    Processes.run(List.of("chmod", "755", standby.directory.toString()));
                    Processes.run(List.of("chown", "-R", osUser, standby.directory.toString()));
                }
                statement.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
                // PostgreSQL 15 renamed the non-exclusive backup functions.
                boolean renamed = majorVersion() >= 15;
                statement.execute(renamed ? "SELECT pg_backup_start('pgferry standby', true)"
                        : "SELECT pg_start_backup('pgferry standby', true, false)");
                Processes.run(Processes.as(osUser, List.of("cp", "-a", data.toString(), standby.data.toString())));
                try (var label = statement.executeQuery(renamed ? "SELECT labelfile FROM pg_backup_stop(false)"
                        : "SELECT labelfile FROM pg_stop_backup(false)")) {
                    label.next();
                    Files.writeString(standby.data.resolve("backup_label"), label.getString(1));
                }
                Files.deleteIfExists(standby.data.resolve("postmaster.pid"));
                Files.deleteIfExists(standby.data.resolve("postmaster.opts"));
                Files.writeString(standby.data.resolve("standby.signal"), "");
                Files.writeString(standby.data.resolve("postgresql.auto.conf"), String.join("\n",
                        "port = " + standby.port,
                        "listen_addresses = '" + standby.address + "'",
                        "unix_socket_directories = '" + standby.directory + "'",
                        "ssl_cert_file = '" + standby.certificates.serverCertificate() + "'",
                        "ssl_key_file = '" + standby.certificates.serverKey() + "'",
                        "primary_conninfo = 'host=" + directory + " port=" + port + " user=" + SUPERUSER + "'",
                        "primary_slot_name = '" + slot + "'",
                        "") + "\n", java.nio.file.StandardOpenOption.APPEND);
                if (osUser != null) {
                    Processes.run(List.of("chown", "-R", osUser, standby.directory.toString()));
                }
                Processes.run(List.of("chmod", "600", standby.certificates.serverKey().toString()));
                standby.startProcess(binaries);
            } catch (RuntimeException | SQLException e) {
                String log = standby.logText();
                standby.close();
                throw new IllegalStateException("cannot start a standby; its log:\n" + log, e);
            }
            return standby;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's log, for an error message; empty if there is none. */
    private String logText() {
        try {
            return Files.readString(directory.resolve("postgres.log"));
        } catch (IOException e) {
            return "";
        }
    }

    /** Ends recovery on a standby: it becomes a primary that accepts writes (pg_ctl promote, waiting for it). */
    public void promote() {
        Processes.run(Processes.as(osUser, List.of(PostgresBinaries.unpacked(version).resolve("bin/pg_ctl").toString(),
                "-D", data.toString(), "-w", "promote")));
    }

    /** A direct JDBC connection to this server (bypassing pgferry), for setup and for comparing results. */
    public Connection connect(String user, String password, String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user, password);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + address + ":" + port + "/" + database + "?sslmode=disable";
    }

    /** Stops the server with a fast shutdown and starts it again on the same port, keeping its data. */
    public void restart() {
        Path binaries = PostgresBinaries.unpacked(version);
        stopProcess();
        startProcess(binaries);
    }

    /** Stops the server (immediate shutdown); {@link #restart()} or {@link #startAgain()} bring it back. */
    public void stopProcess() {
        if (running && Files.exists(data.resolve("postmaster.pid"))) {
            Processes.run(Processes.as(osUser, List.of(PostgresBinaries.unpacked(version).resolve("bin/pg_ctl").toString(),
                    "-D", data.toString(), "-m", "immediate", "-w", "stop")));
        }
        running = false;
    }

    public void startAgain() {
        startProcess(PostgresBinaries.unpacked(version));
    }

    public String host() {
        return address;
    }

    /** The postmaster's process id, from its pid file; -1 if the server is not running. */
    public long pid() {
        try {
            return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public int port() {
        return port;
    }

    /** Creates {@code definition} ("name (columns)") in database app, writable by every role. */
    public void createSharedTable(String definition) throws SQLException {
        try (Connection admin = connect(SUPERUSER, SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE TABLE " + definition);
            statement.execute("GRANT ALL ON " + definition.substring(0, definition.indexOf(' ')) + " TO PUBLIC");
        }
    }

    /** The major version: 13 for 13.22.0. */
    public int majorVersion() {
        return Integer.parseInt(version.substring(0, version.indexOf('.')));
    }

    public String version() {
        return version;
    }

    public TestCertificates certificates() {
        return certificates;
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException jvmAlreadyExiting) {
            // The hook itself is running; it has done the work.
        }
    }

    /** Idempotent: the shutdown hook and an explicit close may both run at JVM exit. */
    private synchronized void stopQuietly() {
        if (deleted) {
            return;
        }
        deleted = true;
        try {
            stopProcess();
        } catch (RuntimeException e) {
            System.err.println("pgferry fixture: cannot stop PostgreSQL: " + e.getMessage());
        }
        deleteRecursively(directory);
    }

    /** Deletes a directory tree, reporting (not throwing) what it could not delete. */
    public static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("pgferry fixture: cannot delete " + root + ": " + e.getMessage());
        }
    }

    /** Returns the OS user to run PostgreSQL as when this JVM is root, or {@code null} to run as ourselves. */
    private static String unprivilegedUser() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return null;
        }
        try {
            Processes.run(List.of("id", "postgres"));
            return "postgres";
        } catch (IllegalStateException noSuchUser) {
            return "nobody";
        }
    }

    /** A port free right now on 127.0.0.1; the race with other processes is acceptable for tests. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
