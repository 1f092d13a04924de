package io.pgferry.pool;

import io.pgferry.backend.ServerLoginFailure;
import io.pgferry.config.PoolSettings;
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
     * opening that could serve it; {@code null} if it may wait, as it does while {@link #buffering}.
     */
    ServerLoginFailure refusal(PoolSettings settings, boolean accepted, long now) {
        return total() > 0 || buffering(settings, accepted) ? null : loginRetry.refusal(settings.loginRetry(), now);
    }

    /**
     * Whether clients wait out an upstream that worked before ({@code accepted}) and now cannot be reached, up to
     * failover-buffer-timeout, rather than getting the login error (a failover or restart in progress).
     */
    boolean buffering(PoolSettings settings, boolean accepted) {
        return accepted && !settings.failoverBufferTimeout().isZero() && loginRetry.failingTransiently();
    }

    /** How long after the last failure the next login may be tried. */
    long retryPauseNanos(Duration retry) {
        return loginRetry.pauseNanos(retry);
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
    void failed(ServerLoginFailure failure, long startedNanos, long now) {
        connecting--;
        loginRetry.failed(failure, startedNanos, now);
    }

    /** An open link closed; the caller gives its limit slot back outside the monitor. */
    void closed() {
        open--;
    }
}
