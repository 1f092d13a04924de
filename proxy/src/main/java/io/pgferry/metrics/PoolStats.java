package io.pgferry.metrics;

/**
 * Counters of one pool at one moment: links open, idle, parked (kept by their last client between its
 * transactions, free for any waiter), being opened, waiting clients, and how long the longest waiter has waited.
 */
public record PoolStats(int open, int idle, int parked, int connecting, int waiting, int buffered,
                        long longestWaitMicros) {
    public int active() {
        return open - idle - parked;
    }
}
