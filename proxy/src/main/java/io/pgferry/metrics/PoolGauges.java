package io.pgferry.metrics;

import io.pgferry.config.PoolSettings;

/** What a pool's gauges read when they are scraped; any thread. */
public interface PoolGauges {
    /** A consistent snapshot of the pool's counters. */
    PoolStats stats();

    /** Logged-in clients of the pool. */
    int clients();

    PoolSettings settings();

    boolean isPaused();
}
