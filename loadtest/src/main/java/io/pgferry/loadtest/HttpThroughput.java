package io.pgferry.loadtest;

import io.pgferry.testkit.PostgresServer;
import io.pgferry.loadtest.edge.EdgeClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * pgferry's CPU per {@code POST /sql} query against its CPU per pooled extended-protocol transaction, in the same
 * run: pgbench {@code -S -M extended} through the PostgreSQL port, then the same point select from {@code -c}
 * kept-alive HTTP/1.1 connections for the same time, rounds alternating. Both log in with a password (pgbench
 * once per connection, HTTP once per request, as Neon's protocol does). Plain HTTP on loopback, like pgbench
 * without TLS, so neither side pays for encryption.
 */
final class HttpThroughput {
    private static final String USER = "bench";
    private static final String PASSWORD = "bench-secret";
    private static final String SELECT = "SELECT abalance FROM pgbench_accounts WHERE aid = $1";

    private HttpThroughput() {
    }

    static void main(String[] args) throws Exception {
        Map<String, String> options = Throughput.options(args);
        int clients = Integer.parseInt(options.getOrDefault("clients", "16"));
        int duration = Integer.parseInt(options.getOrDefault("duration", "10"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int scale = Integer.parseInt(options.getOrDefault("scale", "1"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "15"));
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/pgferry"));
        try (PostgresServer postgres = PostgresServer.start()) {
            String direct = "postgresql://" + PostgresServer.Role.SCRAM.user + "@127.0.0.1:" + postgres.port() + "/app";
            Pgbench.run(PostgresServer.Role.SCRAM.password, List.of("pgbench", "-i", "-q", "-s", String.valueOf(scale),
                    direct));
            int port = PostgresServer.freePort();
            int edgePort = PostgresServer.freePort();
            try (FerryProcess ferry = FerryProcess.start(launcher, config(postgres.port(), port, edgePort), port,
                    options.getOrDefault("jvm", ""))) {
                String pooled = "postgresql://" + USER + "@127.0.0.1:" + port + "/app?sslmode=disable";
                // Warm-up: the JVM compiles both paths before anything is measured.
                Pgbench.run(PASSWORD, pgbench(pooled, clients, warmup));
                httpRound(edgePort, clients, warmup, scale);
                System.out.println("| round | pgbench -M extended µs/txn | POST /sql µs/query | ratio | TPS | QPS |");
                System.out.println("|---|---|---|---|---|---|");
                for (int round = 1; round <= rounds; round++) {
                    long before = ProcessCpu.of(ferry.pid()).totalNanos();
                    Pgbench.Output bench = Pgbench.run(PASSWORD, pgbench(pooled, clients, duration));
                    double perTransaction = (ProcessCpu.of(ferry.pid()).totalNanos() - before) / 1000.0
                            / bench.transactions();
                    before = ProcessCpu.of(ferry.pid()).totalNanos();
                    long queries = httpRound(edgePort, clients, duration, scale);
                    double perQuery = (ProcessCpu.of(ferry.pid()).totalNanos() - before) / 1000.0 / queries;
                    System.out.printf("| %d | %.1f | %.1f | %.2f | %.0f | %.0f |%n", round, perTransaction, perQuery,
                            perQuery / perTransaction, bench.tps(), (double) queries / duration);
                }
            }
        }
    }

    private static List<String> pgbench(String url, int clients, int seconds) {
        return List.of("pgbench", "-n", "-S", "-M", "extended", "-c", String.valueOf(clients),
                "-j", String.valueOf(Math.min(clients, 4)), "-T", String.valueOf(seconds), url);
    }

    private static String config(int postgresPort, int port, int edgePort) {
        return """
                pgferry {
                  listen = "127.0.0.1:%d"
                  edge.listen = "127.0.0.1:%d"
                  log-connections = false
                  max-client-connections = 1000
                  pool { mode = transaction, size = 20 }
                  databases { app { upstream = "postgres://%s:%s@127.0.0.1:%d/app?sslmode=disable" } }
                  users { %s { password = "%s" } }
                }
                """.formatted(port, edgePort, PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password,
                postgresPort, USER, PASSWORD);
    }

    /** {@code clients} kept-alive connections sending point selects for {@code seconds}; returns the queries done. */
    private static long httpRound(int edgePort, int clients, int seconds, int scale) throws Exception {
        return TimedClients.run(clients, seconds, deadline -> httpClient(edgePort, deadline, scale));
    }

    private static long httpClient(int edgePort, long deadline, int scale) throws IOException {
        long done = 0;
        try (EdgeClients.SqlOverHttp http = new EdgeClients.SqlOverHttp(new InetSocketAddress("127.0.0.1", edgePort),
                false, "postgresql://" + USER + ":" + PASSWORD + "@localhost/app")) {
            while (System.nanoTime() < deadline) {
                http.query(SELECT, String.valueOf(1 + ThreadLocalRandom.current().nextInt(100_000 * scale)));
                done++;
            }
        }
        return done;
    }
}
