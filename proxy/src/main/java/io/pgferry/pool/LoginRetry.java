package io.pgferry.pool;

import io.pgferry.backend.ServerLoginFailure;
import java.time.Duration;

/**
 * server_login_retry: after a failed server login, the pool tries no new login for a while, and clients that
 * would need one get the failure at once instead of waiting for a timeout. Not thread-safe: guarded by its
 * pool's monitor.
 */
final class LoginRetry {
    private ServerLoginFailure lastFailure;
    private long lastFailureNanos;

    void failed(ServerLoginFailure failure) {
        lastFailure = failure;
        lastFailureNanos = System.nanoTime();
    }

    void succeeded() {
        lastFailure = null;
    }

    /** Whether the last login failed less than {@code retry} ago. */
    boolean pausing(Duration retry) {
        return lastFailure != null && System.nanoTime() - lastFailureNanos < retry.toNanos();
    }

    /** The error for a client that needs a new login while {@link #pausing}; {@code null} when not pausing. */
    ServerLoginFailure refusal(Duration retry) {
        if (!pausing(retry)) {
            return null;
        }
        return new ServerLoginFailure(lastFailure.sqlState(),
                "server login has been failing, try again later (server_login_retry): " + lastFailure.getMessage());
    }
}
