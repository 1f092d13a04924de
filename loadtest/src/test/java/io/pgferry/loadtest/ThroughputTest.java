package io.pgferry.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
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
}
