package io.pgferry.loadtest;

import io.pgferry.testkit.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What read-routing = auto costs and where it sends the work (issue 28): a primary and a streaming standby, two
 * pgferry processes in front of them that differ only in read-routing (off, auto), and pgbench through each in
 * turn after {@code --warmup} seconds each, {@code --rounds} times, select-only and a mix of nine select-only transactions to one TPC-B-like. Prints
 * the throughput, pgferry's CPU time per transaction (process CPU over transactions, the figure this machine
 * keeps steady) and the share of transactions each ran on the standby, from pgferry's SHOW STATS per pool.
 */
final class ReadRoutingLoad {
    private static final String USER = "bench";

    private ReadRoutingLoad() {
    }

    static void main(String[] args) throws Exception {
        Map<String, String> options = Throughput.options(args);
        int clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        int duration = Integer.parseInt(options.getOrDefault("duration", "10"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "2"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "15"));
        String mode = options.getOrDefault("mode", "extended");
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/pgferry"));
        try (PostgresServer primary = PostgresServer.start()) {
            String direct = "postgresql://" + PostgresServer.Role.SCRAM.user + "@127.0.0.1:" + primary.port()
                    + "/app?sslmode=disable";
            Pgbench.run(PostgresServer.Role.SCRAM.password, List.of("pgbench", "-i", "-q", "-s", "1", direct));
            try (PostgresServer standby = primary.startStandby()) {
                String hosts = "127.0.0.1:" + primary.port() + ",127.0.0.1:" + standby.port();
                int offPort = PostgresServer.freePort();
                int autoPort = PostgresServer.freePort();
                try (FerryProcess off = FerryProcess.start(launcher, config(offPort, hosts, "off"), offPort, "");
                     FerryProcess auto = FerryProcess.start(launcher, config(autoPort, hosts, "auto"), autoPort, "")) {
                    // Unreported: both JVMs compile their hot paths before anything is measured.
                    run(List.of("-S"), "off", off, offPort, clients, warmup, mode, false);
                    run(List.of("-S"), "auto", auto, autoPort, clients, warmup, mode, false);
                    System.out.println("| script | read-routing | tps | pgferry CPU µs/txn | on the standby |");
                    System.out.println("|---|---|---|---|---|");
                    for (int round = 0; round < rounds; round++) {
                        for (List<String> script : List.of(List.of("-S"),
                                List.of("-b", "select-only@9", "-b", "tpcb-like@1"))) {
                            run(script, "off", off, offPort, clients, duration, mode, true);
                            run(script, "auto", auto, autoPort, clients, duration, mode, true);
                        }
                    }
                }
            }
        }
    }

    private static void run(List<String> script, String routing, FerryProcess ferry, int port, int clients,
                            int duration, String mode, boolean report) throws Exception {
        Map<String, Long> before = transactionsPerPool(port);
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-c", Integer.toString(clients),
                "-j", Integer.toString(clients), "-T", Integer.toString(duration), "-M", mode));
        command.addAll(script);
        command.add("postgresql://" + USER + "@127.0.0.1:" + port + "/app?sslmode=disable");
        ProcessCpu.CpuTime cpuBefore = ProcessCpu.of(ferry.pid());
        Pgbench.Output output = Pgbench.run("", command);
        ProcessCpu.CpuTime used = ProcessCpu.of(ferry.pid()).minus(cpuBefore);
        Map<String, Long> after = transactionsPerPool(port);
        long onStandby = after.getOrDefault("app (reads)", 0L) - before.getOrDefault("app (reads)", 0L);
        long total = onStandby + after.getOrDefault("app", 0L) - before.getOrDefault("app", 0L);
        if (!report) {
            return;
        }
        System.out.printf("| %s | %s | %.0f | %.1f | %.1f %% |%n", String.join(" ", script), routing, output.tps(),
                used.totalNanos() / 1000.0 / output.transactions(), total == 0 ? 0 : 100.0 * onStandby / total);
    }

    /** total_xact_count of each pool's database label, from SHOW STATS. */
    private static Map<String, Long> transactionsPerPool(int port) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (Connection console = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port
                + "/pgbouncer?sslmode=disable&preferQueryMode=simple", USER, "");
             Statement statement = console.createStatement();
             ResultSet rows = statement.executeQuery("SHOW STATS")) {
            while (rows.next()) {
                counts.put(rows.getString("database"), rows.getLong("total_xact_count"));
            }
        }
        return counts;
    }

    private static String config(int port, String hosts, String readRouting) {
        return """
                pgferry {
                  listen = "127.0.0.1:%d"
                  log-connections = false
                  admin-users = [%s]
                  pool { mode = transaction, size = 10, read-routing = %s }
                  databases { app { upstream = "postgres://%s:%s@%s/app?sslmode=disable&target_session_attrs=read-write" } }
                  users { %s { auth-method = trust } }
                }
                """.formatted(port, USER, readRouting, PostgresServer.Role.SCRAM.user,
                PostgresServer.Role.SCRAM.password, hosts, USER);
    }
}
