package io.pgferry.loadtest;

import io.pgferry.testkit.PostgresServer;
import io.pgferry.testkit.WriteLoad;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;

/**
 * What a failover does to writing clients, pgferry against PgBouncer in the same run (issue 28). For each target: a
 * fresh primary on 127.0.0.1 and a streaming standby on 127.0.0.2 at the same port (PgBouncer's host list takes one
 * port), {@code --clients} clients inserting one row per transaction through the pooler and reconnecting after
 * errors; after {@code --commits} commits the primary stops (immediate shutdown) and the standby is promoted, and
 * the clients go on until as many commits again. Prints the failed transactions per 1,000 and the window from the
 * primary's loss to the first commit after it.
 *
 * <p>Targets: {@code pgferry} (both hosts, target_session_attrs=read-write, failover buffering on),
 * {@code pgferry-unbuffered} (failover-buffer-timeout = 0), {@code pgbouncer} (1.24.1, {@code host=127.0.0.1,127.0.0.2
 * load_balance_hosts=disable}: it keeps a host until a connection to it fails, then takes the next; with
 * server_login_retry = 1 as its documentation recommends for host lists). Both poolers pool transactions.
 */
final class Failover {
    private static final String USER = "bench";

    private Failover() {
    }

    static void main(String[] args) throws Exception {
        Map<String, String> options = Throughput.options(args);
        int clients = Integer.parseInt(options.getOrDefault("clients", "8"));
        int commits = Integer.parseInt(options.getOrDefault("commits", "2000"));
        List<String> targets = List.of(options.getOrDefault("targets", "pgferry,pgferry-unbuffered,pgbouncer")
                .split(","));
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/pgferry"));
        PgBouncerBinary pgbouncer = targets.contains("pgbouncer")
                ? PgBouncerBinary.resolve(options.getOrDefault("pgbouncer", "1.24.1")) : null;
        System.out.println("| target | transactions | failed | failed per 1,000 | primary lost to first commit, ms |");
        System.out.println("|---|---|---|---|---|");
        for (String target : targets) {
            try (PostgresServer primary = PostgresServer.start()) {
                primary.createSharedTable("ticks (client int, n bigint)");
                try (PostgresServer standby = primary.startStandby("127.0.0.2", primary.port())) {
                    run(target, primary, standby, clients, commits, launcher, pgbouncer);
                }
            }
        }
    }

    private static void run(String target, PostgresServer primary, PostgresServer standby, int clients, int commits,
                            Path launcher, PgBouncerBinary pgbouncer) throws Exception {
        int port = PostgresServer.freePort();
        AutoCloseable pooler = target.equals("pgbouncer")
                ? PgBouncer.start(pgbouncer, primary.port(), USER, 20, null, null, ini -> ini
                        .replace("host=127.0.0.1 port=", "host=127.0.0.1,127.0.0.2 load_balance_hosts=disable port=")
                        .replace("listen_port = ", "server_login_retry = 1\nlisten_port = "))
                : FerryProcess.start(launcher, config(primary.port(), port, target.equals("pgferry") ? "30s" : "0s"),
                        port, "");
        try (pooler) {
            int poolerPort = pooler instanceof PgBouncer bouncer ? bouncer.port() : port;
            String url = "jdbc:postgresql://127.0.0.1:" + poolerPort + "/app?sslmode=disable";
            try (WriteLoad load = new WriteLoad(clients, () -> DriverManager.getConnection(url, USER, ""))) {
                load.awaitCommits(commits, 60);
                primary.stopProcess();
                long lost = System.nanoTime();
                standby.promote();
                long firstCommit = load.firstCommitAfter(lost, 60);
                load.awaitCommits(load.commits() + commits, 60);
                load.stop();
                long total = load.commits() + load.failures();
                System.out.printf("| %s | %d | %d | %.1f | %.0f |%n", target, total, load.failures(),
                        1000.0 * load.failures() / total, (firstCommit - lost) / 1e6);
            }
        }
    }

    private static String config(int postgresPort, int port, String failoverBuffer) {
        String hosts = "127.0.0.1:" + postgresPort + ",127.0.0.2:" + postgresPort;
        return """
                pgferry {
                  listen = "127.0.0.1:%d"
                  log-connections = false
                  pool { mode = transaction, size = 20, failover-buffer-timeout = %s }
                  databases { app { upstream = "postgres://%s:%s@%s/app?sslmode=disable&target_session_attrs=read-write" } }
                  users { %s { auth-method = trust } }
                }
                """.formatted(port, failoverBuffer, PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password,
                hosts, USER);
    }
}
