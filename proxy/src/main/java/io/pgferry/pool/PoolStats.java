package io.pgferry.pool;

/** Counters of one pool at one moment: links open (idle or in use), idle, being opened, and waiting clients. */
public record PoolStats(int open, int idle, int connecting, int waiting) {
    public int active() {
        return open - idle;
    }
}
