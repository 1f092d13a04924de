package io.pgferry.pool;

import io.pgferry.backend.ServerLoginFailure;
import java.time.Duration;

/**
 * server_login_retry: after a failed server login, the pool tries no new login for a while, and clients that
 * would need one get the failure at once instead of waiting for a timeout. A server that is unreachable, starting
 * up or recovering (08006, 57P03) may well accept the next attempt, so after such a failure the pause starts at
 * 100 ms and doubles up to 2 s (never beyond login-retry) rather than keeping clients out for the whole of
 * login-retry once the server is back (issue 22.10); a refused password or database keeps the full pause. Not
 * thread-safe: guarded by its pool's monitor.
 */
final class LoginRetry {
    private static final long FIRST_BACKOFF_NANOS = Duration.ofMillis(100).toNanos();
    private static final long LONGEST_BACKOFF_NANOS = Duration.ofSeconds(2).toNanos();

    private ServerLoginFailure lastFailure;
    private long lastFailureNanos;
    /** Failures in a row that a retry may cure; 0 after a success or any other failure. */
    private int transientFailures;

    /**
     * A login started at {@code startedNanos} failed at {@code now}. Logins that were already under way when the
     * previous one failed are the same failure seen again (several clients' openings when a server dies), so they
     * do not lengthen the pause: only a retry that fails does.
     */
    void failed(ServerLoginFailure failure, long startedNanos, long now) {
        boolean retried = lastFailure == null || startedNanos - lastFailureNanos >= 0;
        lastFailure = failure;
        lastFailureNanos = now;
        if (!failure.isTransient()) {
            transientFailures = 0;
        } else if (retried || transientFailures == 0) {
            transientFailures++;
        }
    }

    void succeeded() {
        lastFailure = null;
        transientFailures = 0;
    }

    /** Whether the logins failing in a row are failures a retry may cure (unreachable, starting up). */
    boolean failingTransiently() {
        return transientFailures > 0;
    }

    long pauseNanos(Duration retry) {
        long full = retry.toNanos();
        if (transientFailures == 0) {
            return full;
        }
        long backoff = Math.min(LONGEST_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(transientFailures - 1, 8));
        return Math.min(full, backoff);
    }

    /** Whether the last login failed less than its pause ago, as of {@code now}. */
    boolean pausing(Duration retry, long now) {
        return lastFailure != null && now - lastFailureNanos < pauseNanos(retry);
    }

    /** Whether logins are paused because the server could not be reached or was not accepting connections. */
    boolean pausingForUnavailableServer(Duration retry, long now) {
        return transientFailures > 0 && pausing(retry, now);
    }

    /** The error for a client that needs a new login while {@link #pausing}; {@code null} when not pausing. */
    ServerLoginFailure refusal(Duration retry, long now) {
        if (!pausing(retry, now)) {
            return null;
        }
        return new ServerLoginFailure(lastFailure.sqlState(),
                "server login has been failing, try again later (server_login_retry): " + lastFailure.getMessage());
    }
}
