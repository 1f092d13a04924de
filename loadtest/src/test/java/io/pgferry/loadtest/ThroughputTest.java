package io.pgferry.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ThroughputTest {
    @Test
    void everyTargetRunsOnceInEveryPositionOverAsManyRounds() {
        List<String> targets = List.of("direct", "pgferry", "pgbouncer");
        assertEquals(targets, Throughput.rotated(targets, 0));
        assertEquals(List.of("pgferry", "pgbouncer", "direct"), Throughput.rotated(targets, 1));
        for (int position = 0; position < targets.size(); position++) {
            int at = position;
            Set<String> inPosition = IntStream.range(0, targets.size())
                    .mapToObj(round -> Throughput.rotated(targets, round).get(at)).collect(Collectors.toSet());
            assertEquals(Set.copyOf(targets), inPosition, "position " + position);
        }
        assertEquals(targets, Throughput.rotated(targets, 3));
    }

    @Test
    void warmUpStartsWithConnectingPerTransactionAndEndsWithTheFirstMeasuredCell() {
        List<String> scripts = List.of("select-only", "tpcb");
        List<String> modes = List.of("simple", "extended", "prepared");
        Map<Throughput.Cell, Integer> warmUps = Throughput.warmUps(scripts, modes, List.of("simple"), 20);
        List<Throughput.Cell> order = new ArrayList<>(warmUps.keySet());

        assertEquals(List.of(new Throughput.Cell("tpcb", "simple", 8, true),
                new Throughput.Cell("select-only", "simple", 8, true)), order.subList(0, 2));
        assertEquals(new Throughput.Cell("select-only", "simple", 8, false), order.get(order.size() - 1));
        assertEquals(2 + 2 * scripts.size() * modes.size(), order.size());
        for (String script : scripts) {
            int steadyShares = warmUps.entrySet().stream()
                    .filter(e -> e.getKey().script().equals(script) && !e.getKey().connectEachTransaction())
                    .mapToInt(Map.Entry::getValue).sum();
            assertEquals(steadyShares, warmUps.get(new Throughput.Cell(script, "simple", 8, true)), script);
            for (String mode : modes) {
                assertTrue(warmUps.containsKey(new Throughput.Cell(script, mode, 40, false)), script + " " + mode);
            }
        }
    }

    @Test
    void connectingPerTransactionIsMeasuredInEachConnectModeAtTheFirstClientCount() {
        List<Throughput.Cell> cells = Throughput.cells(List.of("select-only"), List.of("simple", "extended"),
                List.of(8, 64), List.of("simple", "prepared"));
        assertEquals(List.of(new Throughput.Cell("select-only", "simple", 8, false),
                new Throughput.Cell("select-only", "simple", 64, false),
                new Throughput.Cell("select-only", "extended", 8, false),
                new Throughput.Cell("select-only", "extended", 64, false),
                new Throughput.Cell("select-only", "simple", 8, true),
                new Throughput.Cell("select-only", "prepared", 8, true)), cells);
        Map<Throughput.Cell, Integer> warmUps = Throughput.warmUps(List.of("select-only"),
                List.of("simple", "extended"), List.of("simple", "prepared"), 20);
        Throughput.Cell preparedPerConnection = new Throughput.Cell("select-only", "prepared", 8, true);
        Throughput.Cell simplePerConnection = new Throughput.Cell("select-only", "simple", 8, true);
        assertEquals(List.of(preparedPerConnection, simplePerConnection),
                new ArrayList<>(warmUps.keySet()).subList(0, 2));
        assertEquals(4, warmUps.get(preparedPerConnection) + warmUps.get(simplePerConnection),
                "as long as the other cells together");
    }

    private static Throughput.Result result(double tps, double cpuMicros) {
        return new Throughput.Result(tps, 1.0, 1000, 0, false, cpuMicros, cpuMicros / 2, 0, 50, 12, 10, 0.05);
    }

    @Test
    void pairedRatiosAreTakenRoundByRoundAndTheirMedianIsReported() {
        // PgBouncer's second round ran in a slow spell: the ratios of each round, not of the two medians, count.
        Map<String, Map<String, List<Throughput.Result>>> rounds = Map.of("select-only simple c=8", Map.of(
                "pgferry", List.of(result(20000, 15), result(10000, 30), result(22000, 14)),
                "pgbouncer", List.of(result(25000, 12), result(12500, 24), result(20000, 16))));
        String table = ThroughputTables.pairedRatios(rounds, "pgbouncer");
        assertTrue(table.startsWith("| cell | CPU pgferry/PgBouncer, rounds |"), table);
        assertTrue(table.contains("| select-only simple c=8 | 1.25 / 1.25 / 0.88 | 1.25 | 0.80 / 0.80 / 1.10 | 0.80 |"),
                table);
    }

    @Test
    void aBaselineBuildRunsRightAfterPgferryAndIsComparedLikePgBouncer() {
        Path launcher = Path.of("/tmp/other-build/bin/pgferry");
        List<String> targets = Throughput.targets("direct,pgferry,pgbouncer", launcher);
        assertEquals(List.of("direct", "pgferry", "baseline", "pgbouncer"), targets);
        assertEquals(targets, Throughput.targets("direct,pgferry,baseline,pgbouncer", launcher));
        assertEquals(List.of("pgbouncer", "baseline"), ThroughputTables.pooledComparisons(targets));

        Map<String, Map<String, Throughput.Result>> medians = Map.of("select-only simple c=8", Map.of(
                "direct", result(30000, Double.NaN), "pgferry", result(20000, 15),
                "baseline", result(16000, 20), "pgbouncer", result(25000, 12)));
        String table = ThroughputTables.medians(medians, targets);
        assertTrue(table.contains("| TPS pgferry/PgBouncer | CPU pgferry/PgBouncer | TPS pgferry/baseline |"
                + " CPU pgferry/baseline | TPS pgferry/direct |"), table);
        assertTrue(table.contains("| 0.80 | 1.25 | 1.25 | 0.75 | 0.67 |"), table);
    }

    @Test
    void targetsAreCheckedBeforeAnythingStarts() {
        assertThrows(IllegalArgumentException.class, () -> Throughput.targets("direct,pgferry,baseline", null));
        assertThrows(IllegalArgumentException.class, () -> Throughput.targets("direct,pgferyy", null));
        assertEquals(List.of("direct", "pgferry"), Throughput.targets("direct,pgferry", null));
    }

    @Test
    void theMachineTableSplitsPostgresAndThePoolerIntoUserSpaceAndKernel() {
        Map<String, Map<String, Throughput.Result>> results = Map.of("select-only simple c=8", Map.of(
                "direct", new Throughput.Result(30000, 0.3, 1000, 0, false, Double.NaN, Double.NaN, Double.NaN,
                        52.9, 11.2, 11.4, 0.003),
                "pgferry", new Throughput.Result(21000, 0.4, 1000, 0, false, 16.0, 11.7, 0.3, 60.2, 11.1, 12.4, 0.072)));
        String table = ThroughputTables.machine(results, List.of("direct", "pgferry"));
        assertTrue(table.contains("| select-only simple c=8 | direct | 52.9 | 11.2 | 11.4 |  |  |  | 0.3 % |"), table);
        assertTrue(table.contains("| select-only simple c=8 | pgferry | 60.2 | 11.1 | 12.4 | 16.0 | 11.7 | 0.3 | 7.2 % |"),
                table);
    }
}
