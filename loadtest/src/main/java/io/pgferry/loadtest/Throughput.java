package io.pgferry.loadtest;

import io.pgferry.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The throughput scenario: pgbench select-only and TPC-B-like, in each protocol mode and client count, against a
 * direct connection, pgferry and PgBouncer (both transaction mode, same pool size), and optionally a baseline build
 * of pgferry, in one run, reporting TPS, latency and each pooler's own CPU time per transaction, and where the rest
 * of the machine's time went (PostgreSQL, pgbench, idle). Starts and stops everything it uses.
 */
public final class Throughput {
    private static final String USER = "bench";
    private static final String SCRAM_PASSWORD = "bench-secret";
    /**
     * pgferry's I/O threads' names start so; its other threads are the JVM's (JIT compilers, GC) and a few of its
     * own that sleep under load. PgBouncer has one thread, its event loop.
     */
    private static final String EVENT_LOOP_THREADS = "pgferry-io";

    record Cell(String script, String mode, int clients, boolean connectEachTransaction) {
        String label() {
            return script + " " + mode + " c=" + clients + (connectEachTransaction ? " -C" : "");
        }
    }

    /**
     * One run's figures. Beside the pooler's CPU per transaction, PostgreSQL's and pgbench's, and the share of the
     * machine left idle: on a machine all three share, what one of them costs the others shows there. The kernel's
     * part of the pooler's and PostgreSQL's time tells system calls and wake-ups apart from work in user space.
     */
    record Result(double tps, double latencyMs, long transactions, long failed, boolean aborted,
                          double cpuMicrosPerTransaction, double kernelMicrosPerTransaction,
                          double outsideLoopsMicrosPerTransaction,
                          double postgresMicrosPerTransaction, double postgresKernelMicrosPerTransaction,
                          double pgbenchMicrosPerTransaction, double idleShare) {
        /** Each figure's median over rounds (the lower middle for an even count); failures add up. */
        static Result median(List<Result> rounds) {
            return new Result(middle(rounds, Result::tps), middle(rounds, Result::latencyMs),
                    rounds.stream().mapToLong(Result::transactions).sum(), rounds.stream().mapToLong(Result::failed).sum(),
                    rounds.stream().anyMatch(Result::aborted), middle(rounds, Result::cpuMicrosPerTransaction),
                    middle(rounds, Result::kernelMicrosPerTransaction),
                    middle(rounds, Result::outsideLoopsMicrosPerTransaction),
                    middle(rounds, Result::postgresMicrosPerTransaction),
                    middle(rounds, Result::postgresKernelMicrosPerTransaction),
                    middle(rounds, Result::pgbenchMicrosPerTransaction), middle(rounds, Result::idleShare));
        }

        private static double middle(List<Result> rounds, ToDoubleFunction<Result> figure) {
            return lowerMiddle(rounds.stream().mapToDouble(figure).toArray());
        }

        /** The median; the lower middle for an even count. */
        static double lowerMiddle(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[(sorted.length - 1) / 2];
        }
    }

    private Throughput() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        List<Integer> clientCounts = ints(options.getOrDefault("clients", "8,64,256"));
        List<String> modes = List.of(options.getOrDefault("modes", "simple,extended,prepared").split(","));
        List<String> connectModes = List.of(options.getOrDefault("connect-modes", "simple").split(","));
        List<String> scripts = List.of(options.getOrDefault("scripts", "select-only,tpcb").split(","));
        Path baselineLauncher = options.containsKey("baseline") ? Path.of(options.get("baseline")) : null;
        List<String> targets = targets(options.getOrDefault("targets", "direct,pgferry,pgbouncer"), baselineLauncher);
        int duration = Integer.parseInt(options.getOrDefault("duration", "10"));
        int pool = Integer.parseInt(options.getOrDefault("pool", "20"));
        int scale = Integer.parseInt(options.getOrDefault("scale", "10"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "0"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "20"));
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "1"));
        boolean tls = options.getOrDefault("tls", "off").equals("on");
        // --auth scram: clients log in to every pooler with a password by SCRAM instead of trust.
        String poolerPassword = options.getOrDefault("auth", "trust").equals("scram") ? SCRAM_PASSWORD : "";
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/pgferry"));
        PgBouncerBinary pgbouncer = targets.contains("pgbouncer")
                ? PgBouncerBinary.resolve(options.getOrDefault("pgbouncer", PgBouncerBinary.DEFAULT_CHOICE)) : null;
        if (pgbouncer != null) {
            System.out.println(pgbouncer.description());
        }

        List<Cell> cells = cells(scripts, modes, clientCounts, connectModes);
        try (PostgresServer postgres = PostgresServer.start()) {
            // With --tls on, every target terminates TLS for pgbench with the same certificate, PostgreSQL's own.
            ClientTls clientTls = tls ? ClientTls.of(postgres) : null;
            String direct = "postgresql://" + PostgresServer.Role.SCRAM.user + "@127.0.0.1:" + postgres.port()
                    + "/app?sslmode=" + sslMode(clientTls);
            Pgbench.run(PostgresServer.Role.SCRAM.password, List.of("pgbench", "-i", "-q", "-s", Integer.toString(scale), direct));
            String jvm = options.getOrDefault("jvm", "");
            int ferryPort = PostgresServer.freePort();
            int baselinePort = PostgresServer.freePort();
            // --cache on: the pgferry target runs with the result cache, the baseline (often the same build) without.
            boolean cache = options.getOrDefault("cache", "off").equals("on");
            try (FerryProcess ferry = targets.contains("pgferry") ? FerryProcess.start(launcher,
                    config(postgres.port(), ferryPort, pool, threads, clientTls, cache, poolerPassword), ferryPort, jvm)
                    : null;
                 FerryProcess baseline = targets.contains("baseline") ? FerryProcess.start(baselineLauncher,
                    config(postgres.port(), baselinePort, pool, threads, clientTls, false, poolerPassword), baselinePort,
                    jvm) : null;
                 PgBouncer bouncer = targets.contains("pgbouncer")
                         ? PgBouncer.start(pgbouncer, postgres.port(), USER, pool, clientTls,
                                 poolerPassword.isEmpty() ? null : poolerPassword) : null) {
                Map<String, Endpoint> endpoints = new LinkedHashMap<>();
                endpoints.put("direct", new Endpoint(direct, -1, PostgresServer.Role.SCRAM.password));
                if (ferry != null) {
                    endpoints.put("pgferry", new Endpoint(pooled(ferryPort, clientTls), ferry.pid(), poolerPassword));
                }
                if (baseline != null) {
                    endpoints.put("baseline", new Endpoint(pooled(baselinePort, clientTls), baseline.pid(), poolerPassword));
                }
                if (bouncer != null) {
                    endpoints.put("pgbouncer", new Endpoint(pooled(bouncer.port(), clientTls), bouncer.pid(), poolerPassword));
                }
                List<String> builds = targets.stream().filter(Throughput::isPgferry).toList();
                if (warmup > 0 && !builds.isEmpty()) {
                    // The JVM compiles pgferry's hot paths during its first seconds; measure the steady state.
                    System.err.println("warming up " + String.join(" and ", builds) + " for " + warmup + " s");
                    Map<Cell, Integer> warmUps = warmUps(scripts, modes, connectModes, pool);
                    int shares = warmUps.values().stream().mapToInt(Integer::intValue).sum();
                    for (Map.Entry<Cell, Integer> warmUp : warmUps.entrySet()) {
                        for (String build : builds) {
                            run(warmUp.getKey(), endpoints.get(build), Math.max(1, warmup * warmUp.getValue() / shares),
                                    build, postgres.pid());
                        }
                    }
                }
                Map<String, Map<String, Result>> results = new LinkedHashMap<>();
                Map<String, Map<String, List<Result>>> allRounds = new LinkedHashMap<>();
                for (Cell cell : cells) {
                    Map<String, List<Result>> byTarget = new LinkedHashMap<>();
                    // Targets take turns within each round, so a slow spell of this shared machine hits them alike,
                    // and the order rotates from round to round: the run just before leaves work behind (exiting
                    // connections, cold caches) that would otherwise always fall on the same target.
                    for (int round = 0; round < rounds; round++) {
                        for (String target : rotated(targets, round)) {
                            Result result = run(cell, endpoints.get(target), duration, target, postgres.pid());
                            byTarget.computeIfAbsent(target, k -> new ArrayList<>()).add(result);
                            System.err.printf("%-32s %-9s tps %9.0f  cpu/txn %6.1f us (outside loops %4.1f)"
                                            + "  postgres %6.1f us  pgbench %5.1f us  idle %4.1f %%  failed %d%s%n",
                                    cell.label(), target, result.tps, result.cpuMicrosPerTransaction,
                                    result.outsideLoopsMicrosPerTransaction, result.postgresMicrosPerTransaction,
                                    result.pgbenchMicrosPerTransaction, 100 * result.idleShare, result.failed,
                                    result.aborted ? " aborted" : "");
                        }
                    }
                    Map<String, Result> medians = new LinkedHashMap<>();
                    byTarget.forEach((target, runs) -> medians.put(target, Result.median(runs)));
                    results.put(cell.label(), medians);
                    allRounds.put(cell.label(), byTarget);
                }
                System.out.println(ThroughputTables.medians(results, targets));
                System.out.println(ThroughputTables.machine(results, targets));
                if (rounds > 1) {
                    for (String other : ThroughputTables.pooledComparisons(targets)) {
                        System.out.println(ThroughputTables.pairedRatios(allRounds, other));
                    }
                }
            }
        }
    }

    /** Where a target listens and, for a pooler, its process (-1 for the direct connection). */
    private record Endpoint(String url, long pid, String password) {
    }

    /** The certificate and key the poolers terminate clients' TLS with (pgbench asks for TLS, checking nothing). */
    record ClientTls(Path certificate, Path key) {
        /** The test server's own certificate and key. */
        static ClientTls of(PostgresServer postgres) {
            return new ClientTls(postgres.certificates().serverCertificate(), postgres.certificates().serverKey());
        }
    }

    private static String pooled(int port, ClientTls clientTls) {
        return "postgresql://" + USER + "@127.0.0.1:" + port + "/app?sslmode=" + sslMode(clientTls);
    }

    private static String sslMode(ClientTls clientTls) {
        return clientTls == null ? "disable" : "require";
    }

    /** Both pgferry builds: the one under test and the baseline it is compared with. */
    private static boolean isPgferry(String target) {
        return target.equals("pgferry") || target.equals("baseline");
    }

    /**
     * The targets to run. {@code --baseline LAUNCHER} (another build's {@code bin/pgferry}) adds the target
     * {@code baseline} after {@code pgferry}, so two builds are measured side by side in the same rounds.
     */
    static List<String> targets(String option, Path baselineLauncher) {
        List<String> targets = new ArrayList<>(List.of(option.split(",")));
        for (String target : targets) {
            if (!List.of("direct", "pgferry", "baseline", "pgbouncer").contains(target)) {
                throw new IllegalArgumentException("unknown target " + target
                        + "; choose from direct, pgferry, baseline, pgbouncer");
            }
        }
        if (baselineLauncher != null && !targets.contains("baseline")) {
            targets.add(targets.contains("pgferry") ? targets.indexOf("pgferry") + 1 : targets.size(), "baseline");
        }
        if (targets.contains("baseline") && baselineLauncher == null) {
            throw new IllegalArgumentException("the target baseline needs --baseline LAUNCHER (another build's bin/pgferry)");
        }
        return List.copyOf(targets);
    }

    /**
     * The measured cells: every script in every mode at every client count, then per script connecting per
     * transaction (-C) at the first client count in each of {@code connectModes}: the stateless client's pattern,
     * with literal SQL (simple) or with parameters (extended, prepared).
     */
    static List<Cell> cells(List<String> scripts, List<String> modes, List<Integer> clientCounts,
                            List<String> connectModes) {
        List<Cell> cells = new ArrayList<>();
        for (String script : scripts) {
            for (String mode : modes) {
                for (int clients : clientCounts) {
                    cells.add(new Cell(script, mode, clients, false));
                }
            }
            for (String mode : connectModes) {
                cells.add(new Cell(script, mode, clientCounts.get(0), true));
            }
        }
        return cells;
    }

    /**
     * The warm-up cells and their shares of the warm-up time: every script and mode, below and above the pool size,
     * and connecting per transaction, so the hand-over and login paths are compiled before any cell counts. The
     * login path runs once per transaction only with -C, so those cells together get as long as all the others of
     * their script, and come first: the compilations they queue finish while the other cells run, instead of still
     * occupying a core during the first measured cell. The cells then run in the reverse of the measured order, so
     * the last one warmed is the first one measured.
     */
    static Map<Cell, Integer> warmUps(List<String> scripts, List<String> modes, List<String> connectModes, int pool) {
        int clientsAbovePool = Math.max(pool * 2, 8);
        Map<Cell, Integer> warmUps = new LinkedHashMap<>();
        for (String script : reversed(scripts)) {
            for (String mode : reversed(connectModes)) {
                warmUps.put(new Cell(script, mode, 8, true), Math.max(1, 2 * modes.size() / connectModes.size()));
            }
        }
        for (String script : reversed(scripts)) {
            for (String mode : reversed(modes)) {
                warmUps.put(new Cell(script, mode, clientsAbovePool, false), 1);
                warmUps.put(new Cell(script, mode, 8, false), 1);
            }
        }
        return warmUps;
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }

    private static Result run(Cell cell, Endpoint endpoint, int duration, String target, long postgresPid)
            throws IOException, InterruptedException {
        long pid = endpoint.pid();
        List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-c", Integer.toString(cell.clients),
                // One thread per client: pgbench before 17 prepares with a blocking call per thread, which stalls a
                // thread's other clients whenever a transaction pool is smaller than the number of clients.
                "-j", Integer.toString(cell.clients), "-T", Integer.toString(duration), "-M", cell.mode));
        if (cell.script.equals("select-only")) {
            command.add("-S");
        }
        if (cell.connectEachTransaction) {
            command.add("-C");
        }
        command.add(endpoint.url());
        boolean pooler = pid > 0;
        ProcessCpu.CpuTime before = pooler ? ProcessCpu.of(pid) : null;
        long loopsBefore = isPgferry(target) ? ProcessCpu.threadNanos(pid, EVENT_LOOP_THREADS) : 0;
        ProcessCpu.CpuTime postgresBefore = ProcessCpu.tree(postgresPid);
        long pgbenchBefore = ProcessCpu.exitedChildrenNanos();
        ProcessCpu.MachineTime machineBefore = ProcessCpu.MachineTime.now();
        Pgbench.Output output = Pgbench.run(endpoint.password(), command);
        double idleShare = ProcessCpu.MachineTime.now().idleShareSince(machineBefore);
        ProcessCpu.CpuTime used = pooler ? ProcessCpu.of(pid).minus(before) : new ProcessCpu.CpuTime(0, 0);
        long outsideLoops = isPgferry(target)
                ? used.totalNanos() - (ProcessCpu.threadNanos(pid, EVENT_LOOP_THREADS) - loopsBefore) : 0;
        ProcessCpu.CpuTime postgres = ProcessCpu.tree(postgresPid).minus(postgresBefore);
        long transactions = output.transactions();
        return new Result(output.tps(), output.latencyMs(), transactions, output.failed(), output.aborted(),
                pooler ? perTransaction(used.totalNanos(), transactions) : Double.NaN,
                pooler ? perTransaction(used.kernelNanos(), transactions) : Double.NaN,
                pooler ? perTransaction(outsideLoops, transactions) : Double.NaN,
                perTransaction(postgres.totalNanos(), transactions), perTransaction(postgres.kernelNanos(), transactions),
                perTransaction(ProcessCpu.exitedChildrenNanos() - pgbenchBefore, transactions), idleShare);
    }

    /** The order of round {@code by}: over as many rounds as there are targets, each runs once in each position. */
    static List<String> rotated(List<String> targets, int by) {
        List<String> order = new ArrayList<>(targets);
        Collections.rotate(order, -by);
        return order;
    }

    private static double perTransaction(long nanos, long transactions) {
        return transactions == 0 ? Double.NaN : nanos / 1000.0 / transactions;
    }


    static String config(int postgresPort, int port, int pool, int threads, ClientTls clientTls, boolean cache) {
        return config(postgresPort, port, pool, threads, clientTls, cache, "");
    }

    /** {@code password}: the user logs in with it by SCRAM; "" keeps trust. */
    static String config(int postgresPort, int port, int pool, int threads, ClientTls clientTls, boolean cache,
                         String password) {
        String tls = clientTls == null ? "" : "tls { mode = allow, cert-file = \"%s\", key-file = \"%s\" }"
                .formatted(clientTls.certificate(), clientTls.key());
        return """
                pgferry {
                  threads = %d
                  listen = "127.0.0.1:%d"
                  max-client-connections = 20000
                  %s
                  pool { mode = transaction, size = %d }
                  cache { enabled = %s }
                  databases { app { upstream = "postgres://%s:%s@127.0.0.1:%d/app?sslmode=disable" } }
                  users { %s }
                }
                """.formatted(threads, port, tls, pool, cache, PostgresServer.Role.SCRAM.user,
                PostgresServer.Role.SCRAM.password, postgresPort,
                USER + (password.isEmpty() ? " { auth-method = trust }" : " { password = \"" + password + "\" }"));
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static List<Integer> ints(String csv) {
        List<Integer> values = new ArrayList<>();
        for (String part : csv.split(",")) {
            values.add(Integer.parseInt(part.trim()));
        }
        return values;
    }

}
