package io.pgferry.pool;

import io.pgferry.backend.ServerLoginFailure;
import java.time.Duration;

/**
 * How many of a pool's links are open and how many are logging in, each holding a slot of the pool's
 * {@link PoolLimits}, and whether a failed login holds new openings back ({@link LoginRetry}). Not thread-safe:
 * guarded by its pool's monitor.
 */
final class LinkCounts {
    private final PoolLimits limits;
    private final LoginRetry loginRetry = new LoginRetry();
    private int open;
    private int connecting;

    LinkCounts(PoolLimits limits) {
        this.limits = limits;
    }

    int open() {
        return open;
    }

    int connecting() {
        return connecting;
    }

    /** Links open or logging in: what counts against the pool's size. */
    int total() {
        return open + connecting;
    }

    /** Starts up to {@code wanted} openings, as many as the shared limits have slots for; returns how many. */
    int start(int wanted) {
        int started = 0;
        while (started < wanted && limits.tryTake()) {
            connecting++;
            started++;
        }
        return started;
    }

    /** Whether the last failed login still holds new openings back, as of {@code now}. */
    boolean retryPausing(Duration retry, long now) {
        return loginRetry.pausing(retry, now);
    }

    /**
     * The error for a client that would need a new login while openings are held back and no link is open or
     * opening that could serve it; {@code null} if it may wait.
     */
    ServerLoginFailure refusal(Duration retry, long now) {
        return total() > 0 ? null : loginRetry.refusal(retry, now);
    }

    boolean pausingForUnavailableServer(Duration retry, long now) {
        return loginRetry.pausingForUnavailableServer(retry, now);
    }

    void opened() {
        connecting--;
        open++;
        loginRetry.succeeded();
    }

    /** An opening failed; the caller gives its limit slot back outside the monitor. */
    void failed(ServerLoginFailure failure, long now) {
        connecting--;
        loginRetry.failed(failure, now);
    }

    /** An open link closed; the caller gives its limit slot back outside the monitor. */
    void closed() {
        open--;
    }
}
