package io.pgferry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TickingClockTest {
    @Test
    void wallTimeMovesOnlyWhenTicked() throws InterruptedException {
        TickingClock clock = new TickingClock();
        long before = clock.wallTime();
        Thread.sleep(20);
        assertEquals(before, clock.wallTime());
        clock.tick();
        assertTrue(clock.wallTime() >= before + 20, "the tick read the system clock again");
    }

    @Test
    void monotonicTimeIsExact() throws InterruptedException {
        TickingClock clock = new TickingClock();
        long before = clock.monotonicTime();
        Thread.sleep(5);
        assertTrue(clock.monotonicTime() - before >= 5_000_000L);
    }
}
