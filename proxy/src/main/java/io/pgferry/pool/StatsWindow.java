package io.pgferry.pool;

import io.pgferry.metrics.PoolTotals;
import java.time.Duration;

/**
 * The totals of the last complete stats period, from which SHOW STATS computes its avg_* columns as PgBouncer
 * does (per-second rates and per-transaction times over stats_period). Advanced by housekeeping; thread-safe.
 */
public final class StatsWindow {
    private PoolTotals periodStart = PoolTotals.ZERO;
    private PoolTotals lastPeriod = PoolTotals.ZERO;
    private long periodStartNanos = System.nanoTime();
    private long lastPeriodNanos;

    synchronized void advance(PoolTotals now, Duration period) {
        long at = System.nanoTime();
        if (at - periodStartNanos >= period.toNanos()) {
            lastPeriod = now.minus(periodStart);
            lastPeriodNanos = at - periodStartNanos;
            periodStart = now;
            periodStartNanos = at;
        }
    }

    /** What happened during the last complete period, and how long it was (0 before the first one ends). */
    public synchronized PoolTotals lastPeriod() {
        return lastPeriod;
    }

    public synchronized long lastPeriodNanos() {
        return lastPeriodNanos;
    }
}
