package io.pgferry.loadtest;

import io.pgferry.loadtest.Throughput.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The markdown tables the throughput scenario prints: each target's medians, where the rest of the machine went,
 * and pgferry against each pooler it is compared with (PgBouncer, and a baseline build of pgferry), round by round.
 */
final class ThroughputTables {
    /** The targets pgferry's figures are divided by, in column order. */
    private static final List<String> COMPARED = List.of("pgbouncer", "baseline", "direct");

    private ThroughputTables() {
    }

    /** TPS, latency and pooler CPU per target, with pgferry's ratios to the other targets present. */
    static String medians(Map<String, Map<String, Result>> results, List<String> targets) {
        List<String> compared = compared(targets);
        StringBuilder out = new StringBuilder("| cell |");
        for (String target : targets) {
            out.append(' ').append(target).append(" TPS | ").append(target).append(" latency ms |");
            if (!target.equals("direct")) {
                out.append(' ').append(target).append(" CPU µs/txn |");
            }
        }
        for (String other : compared) {
            out.append(" TPS pgferry/").append(name(other)).append(" |");
            if (!other.equals("direct")) {
                out.append(" CPU pgferry/").append(name(other)).append(" |");
            }
        }
        long columns = out.chars().filter(c -> c == '|').count() - 1;
        out.append('\n').append("|---".repeat((int) columns)).append("|\n");
        results.forEach((cell, byTarget) -> {
            out.append("| ").append(cell).append(" |");
            for (String target : targets) {
                Result r = byTarget.get(target);
                String problems = (r.failed() > 0 ? " (" + r.failed() + " failed)" : "") + (r.aborted() ? " (aborted)" : "");
                out.append(String.format(" %.0f%s | %.2f |", r.tps(), problems, r.latencyMs()));
                if (!target.equals("direct")) {
                    out.append(String.format(" %.1f |", r.cpuMicrosPerTransaction()));
                }
            }
            Result ferry = byTarget.get("pgferry");
            for (String other : compared) {
                Result r = byTarget.get(other);
                out.append(String.format(" %.2f |", ferry.tps() / r.tps()));
                if (!other.equals("direct")) {
                    out.append(String.format(" %.2f |", ferry.cpuMicrosPerTransaction() / r.cpuMicrosPerTransaction()));
                }
            }
            out.append('\n');
        });
        return out.toString();
    }

    /** Where the machine's CPU went per transaction in each cell, for each target. */
    static String machine(Map<String, Map<String, Result>> results, List<String> targets) {
        StringBuilder out = new StringBuilder("| cell | target | PostgreSQL CPU µs/txn | of which in the kernel |"
                + " pgbench CPU µs/txn | pooler CPU µs/txn | of which in the kernel | of which outside its event loops"
                + " | machine idle |\n|---|---|---|---|---|---|---|---|---|\n");
        results.forEach((cell, byTarget) -> {
            for (String target : targets) {
                Result r = byTarget.get(target);
                boolean pooler = !target.equals("direct");
                out.append(String.format("| %s | %s | %.1f | %.1f | %.1f | %s | %s | %s | %.1f %% |%n", cell, target,
                        r.postgresMicrosPerTransaction(), r.postgresKernelMicrosPerTransaction(),
                        r.pgbenchMicrosPerTransaction(),
                        pooler ? String.format("%.1f", r.cpuMicrosPerTransaction()) : "",
                        pooler ? String.format("%.1f", r.kernelMicrosPerTransaction()) : "",
                        pooler ? String.format("%.1f", r.outsideLoopsMicrosPerTransaction()) : "",
                        100 * r.idleShare()));
            }
        });
        return out.toString();
    }

    /**
     * pgferry against {@code other} round by round, and the median of those paired ratios: the two ran back to back
     * in each round, so a slow spell of the machine cancels out of each ratio, where it would not between the two
     * medians of the first table.
     */
    static String pairedRatios(Map<String, Map<String, List<Result>>> rounds, String other) {
        String name = name(other);
        StringBuilder out = new StringBuilder("| cell | CPU pgferry/" + name + ", rounds | CPU, median |"
                + " TPS pgferry/" + name + ", rounds | TPS, median |\n|---|---|---|---|---|\n");
        rounds.forEach((cell, byTarget) -> {
            List<Result> ferry = byTarget.get("pgferry");
            List<Result> compared = byTarget.get(other);
            double[] cpu = new double[ferry.size()];
            double[] tps = new double[ferry.size()];
            for (int round = 0; round < ferry.size(); round++) {
                cpu[round] = ferry.get(round).cpuMicrosPerTransaction() / compared.get(round).cpuMicrosPerTransaction();
                tps[round] = ferry.get(round).tps() / compared.get(round).tps();
            }
            out.append(String.format("| %s | %s | %.2f | %s | %.2f |%n", cell, joined(cpu), Result.lowerMiddle(cpu),
                    joined(tps), Result.lowerMiddle(tps)));
        });
        return out.toString();
    }

    /** The poolers among {@code targets} that pgferry is compared with round by round. */
    static List<String> pooledComparisons(List<String> targets) {
        return compared(targets).stream().filter(target -> !target.equals("direct")).toList();
    }

    private static List<String> compared(List<String> targets) {
        if (!targets.contains("pgferry")) {
            return List.of();
        }
        return COMPARED.stream().filter(targets::contains).toList();
    }

    private static String name(String target) {
        return target.equals("pgbouncer") ? "PgBouncer" : target;
    }

    private static String joined(double[] ratios) {
        List<String> parts = new ArrayList<>();
        for (double ratio : ratios) {
            parts.add(String.format("%.2f", ratio));
        }
        return String.join(" / ", parts);
    }
}
