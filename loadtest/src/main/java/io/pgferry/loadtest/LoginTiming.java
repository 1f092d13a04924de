package io.pgferry.loadtest;

import io.pgferry.auth.KeyDerivation;
import io.pgferry.testkit.PostgresServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Whether a failed SCRAM login tells an unknown user from a wrong password by its timing (issue 27, item 6): the
 * server's time per login (startup to AuthenticationSASL, client-first to server-first, client-final to the
 * ErrorResponse; the client's own PBKDF2 is not counted), over {@code --tries} tries of each, interleaved, for users
 * pgferry lists and for auth_query with its cache on (the same names again) and off (every login a lookup).
 * Prints the medians and their ratio; both kinds must end in 28P01.
 */
final class LoginTiming {
    private static final String KNOWN = "timing_role";
    private static final String UNKNOWN = "no_such_role";

    private LoginTiming() {
    }

    static void main(String[] args) throws Exception {
        Map<String, String> options = Throughput.options(args);
        int tries = Integer.parseInt(options.getOrDefault("tries", "200"));
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/pgferry"));
        ExecutorService workers = Executors.newSingleThreadExecutor();
        KeyDerivation keys = new KeyDerivation(workers);
        try (PostgresServer postgres = PostgresServer.start()) {
            prepare(postgres);
            System.out.println("| users | tries | wrong password: median µs | unknown user: median µs | ratio |");
            System.out.println("|---|---|---|---|---|");
            String listed = "users { " + KNOWN + " { password = \"right-secret\" } }";
            String lookup = "auth-user = " + PostgresServer.Role.SCRAM.user + ", auth-query = \"SELECT usename, passwd "
                    + "FROM public.timing_lookup($1)\"";
            run("listed in pgferry", postgres, launcher, listed, tries, keys);
            run("auth_query, cached", postgres, launcher, lookup, tries, keys);
            run("auth_query, no cache", postgres, launcher, lookup
                    + ", auth-cache-ttl = 0s, auth-cache-negative-ttl = 0s", tries, keys);
        } finally {
            workers.shutdownNow();
        }
    }

    /** The role auth_query finds, and a SECURITY DEFINER lookup scram_user may call, as PgBouncer's docs suggest. */
    private static void prepare(PostgresServer postgres) throws Exception {
        try (Connection admin = postgres.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP ROLE IF EXISTS " + KNOWN);
            statement.execute("CREATE ROLE " + KNOWN + " LOGIN PASSWORD 'right-secret'");
            statement.execute("CREATE OR REPLACE FUNCTION public.timing_lookup(text) RETURNS TABLE (usename name, "
                    + "passwd text) LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT rolname, "
                    + "rolpassword FROM pg_catalog.pg_authid WHERE rolname = $1 AND rolcanlogin $$");
            statement.execute("GRANT EXECUTE ON FUNCTION public.timing_lookup(text) TO "
                    + PostgresServer.Role.SCRAM.user);
        }
    }

    private static void run(String label, PostgresServer postgres, Path launcher, String settings, int tries,
                            KeyDerivation keys) throws Exception {
        int port = PostgresServer.freePort();
        String config = """
                pgferry {
                  listen = "127.0.0.1:%d"
                  log-connections = false
                  %s
                  databases { app { upstream = "postgres://127.0.0.1:%d/app?sslmode=disable" } }
                  users { %s { password = "%s" } }
                }
                """.formatted(port, settings, postgres.port(), PostgresServer.Role.SCRAM.user,
                PostgresServer.Role.SCRAM.password);
        try (FerryProcess ferry = FerryProcess.start(launcher, config, port, "")) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            long[] wrong = new long[tries];
            long[] unknown = new long[tries];
            // The first half of the warm-up rounds lets the JIT compile both paths; interleaving cancels drift.
            for (int i = -tries / 2; i < tries; i++) {
                boolean wrongFirst = (i & 1) == 0;
                long first = RawScramLogin.failedLogin(address, wrongFirst ? KNOWN : UNKNOWN, keys);
                long second = RawScramLogin.failedLogin(address, wrongFirst ? UNKNOWN : KNOWN, keys);
                if (i >= 0) {
                    wrong[i] = wrongFirst ? first : second;
                    unknown[i] = wrongFirst ? second : first;
                }
            }
            double wrongMedian = median(wrong) / 1000.0;
            double unknownMedian = median(unknown) / 1000.0;
            System.out.printf("| %s | %d | %.0f | %.0f | %.3f |%n", label, tries, wrongMedian, unknownMedian,
                    unknownMedian / wrongMedian);
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
