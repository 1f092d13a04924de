package io.pgferry.metrics;

import io.micrometer.core.instrument.Clock;

/**
 * Micrometer's clock with wall time read from a field that {@link #tick()} refreshes, instead of from the system
 * clock. Every timer record reads wall time to rotate its decaying maximum, and a clock read costs a few hundred
 * nanoseconds on some virtual machines: that was two reads per transaction for a maximum that rotates every
 * twenty seconds. Monotonic time, which durations are measured with, stays exact. Thread-safe.
 */
final class TickingClock implements Clock {
    private volatile long wallMillis = System.currentTimeMillis();

    /** Reads the system clock into the field; called every {@link ProxyMetrics#CLOCK_TICK_MILLIS}. */
    void tick() {
        wallMillis = System.currentTimeMillis();
    }

    @Override
    public long wallTime() {
        return wallMillis;
    }

    @Override
    public long monotonicTime() {
        return System.nanoTime();
    }
}
