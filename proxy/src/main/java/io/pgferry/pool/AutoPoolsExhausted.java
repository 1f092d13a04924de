package io.pgferry.pool;

/** A login would create an auto pool (a database name only the {@code "*"} entry matches) beyond max-auto-pools. */
public final class AutoPoolsExhausted extends RuntimeException {
    public AutoPoolsExhausted(int max) {
        super("no more auto-created pools allowed (max_auto_pools = " + max + ")", null, false, false);
    }
}
