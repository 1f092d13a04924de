package io.pgferry.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        Map<Throughput.Cell, Integer> warmUps = Throughput.warmUps(scripts, modes, 20);
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
}
