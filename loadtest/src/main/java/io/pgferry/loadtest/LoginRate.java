package io.pgferry.loadtest;

import io.pgferry.auth.KeyDerivation;
import io.pgferry.auth.ScramKeys;
import io.pgferry.auth.ScramSecret;
import io.pgferry.testkit.PostgresServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * SCRAM logins per second per core, pgferry against PgBouncer in the same rounds (issue 27, item 7). Both (and
 * PostgreSQL) hold the same SCRAM verifier for the user, so each checks a login with HMACs, no PBKDF2; the clients derive their keys once
 * and log in (startup, SCRAM, ReadyForQuery, Terminate) from {@code --clients} threads as fast as they can, so
 * the poolers, not the clients' PBKDF2 as with pgbench -C, set the pace. pgferry is warmed up with logins first, so
 * its JIT has compiled the login path; both log each connection to a file. Prints each pooler's logins per second
 * and CPU per login (a core's logins per second is a million over it).
 */
final class LoginRate {
    private static final String USER = PostgresServer.Role.SCRAM.user;
    private static final String PASSWORD = PostgresServer.Role.SCRAM.password;

    private LoginRate() {
    }

    static void main(String[] args) throws Exception {
        Map<String, String> options = Throughput.options(args);
        int clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        int duration = Integer.parseInt(options.getOrDefault("duration", "10"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "20"));
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/pgferry"));
        PgBouncerBinary pgbouncer = PgBouncerBinary.resolve(options.getOrDefault("pgbouncer", "1.24.1"));
        ScramSecret verifier = ScramSecret.derive(PASSWORD);
        ExecutorService workers = Executors.newSingleThreadExecutor();
        ScramKeys keys = ScramKeys.fromSaltedPassword(new KeyDerivation(workers)
                .saltedPassword(PASSWORD, verifier.salt(), verifier.iterations()).join());
        workers.shutdown();
        try (PostgresServer postgres = PostgresServer.start()) {
            // PgBouncer logs in upstream with the keys of a client it checked against a verifier (pass-through),
            // so PostgreSQL gets the same verifier.
            try (Connection admin = postgres.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD,
                    "app"); Statement statement = admin.createStatement()) {
                statement.execute("ALTER ROLE " + USER + " PASSWORD '" + verifier + "'");
            }
            int port = PostgresServer.freePort();
            try (FerryProcess ferry = FerryProcess.start(launcher, config(postgres.port(), port, verifier), port,
                    options.getOrDefault("jvm", ""));
                 PgBouncer bouncer = PgBouncer.start(pgbouncer, postgres.port(), USER, 20,
                         null, verifier.toString())) {
                InetSocketAddress ferryAddress = new InetSocketAddress("127.0.0.1", port);
                InetSocketAddress bouncerAddress = new InetSocketAddress("127.0.0.1", bouncer.port());
                logins(ferryAddress, clients, warmup, keys);
                System.out.println("| round | pgferry logins/s | pgferry CPU µs/login | PgBouncer logins/s "
                        + "| PgBouncer CPU µs/login | CPU pgferry/PgBouncer |");
                System.out.println("|---|---|---|---|---|---|");
                for (int round = 1; round <= rounds; round++) {
                    double[] ferryRun = measured(ferry.pid(), ferryAddress, clients, duration, keys);
                    double[] bouncerRun = measured(bouncer.pid(), bouncerAddress, clients, duration, keys);
                    System.out.printf("| %d | %.0f | %.1f | %.0f | %.1f | %.2f |%n", round, ferryRun[0], ferryRun[1],
                            bouncerRun[0], bouncerRun[1], ferryRun[1] / bouncerRun[1]);
                }
            }
        }
    }

    private static String config(int postgresPort, int port, ScramSecret verifier) {
        return """
                pgferry {
                  listen = "127.0.0.1:%d"
                  max-client-connections = 1000
                  pool { mode = transaction, size = 20 }
                  databases { app { upstream = "postgres://%s:%s@127.0.0.1:%d/app?sslmode=disable" } }
                  users { %s { password = "%s" } }
                }
                """.formatted(port, PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password, postgresPort,
                USER, verifier);
    }

    /** Logins per second and the pooler's CPU microseconds per login over {@code seconds}. */
    private static double[] measured(long pid, InetSocketAddress address, int clients, int seconds, ScramKeys keys)
            throws Exception {
        long before = ProcessCpu.of(pid).totalNanos();
        long logins = logins(address, clients, seconds, keys);
        double cpuMicros = (ProcessCpu.of(pid).totalNanos() - before) / 1000.0;
        return new double[] {(double) logins / seconds, cpuMicros / logins};
    }

    /** {@code clients} threads logging in and out for {@code seconds}; returns the logins done. */
    private static long logins(InetSocketAddress address, int clients, int seconds, ScramKeys keys)
            throws Exception {
        return TimedClients.run(clients, seconds, deadline -> {
            long done = 0;
            while (System.nanoTime() < deadline) {
                RawScramLogin.login(address, USER, "app", keys);
                done++;
            }
            return done;
        });
    }
}
