package io.pgferry.pool;

import io.pgferry.backend.ServerConnection;
import java.util.function.Predicate;

/** Whether a link coming back to its pool, or taken back by the client that parked it, must close instead. */
final class LinkRetirement {
    private LinkRetirement() {
    }

    /**
     * Why {@code link} must close as of {@code now}, or {@code null} if it may serve again; {@code poolClosed} is
     * why its pool closed, {@code null} while it is open.
     */
    static String reason(ServerConnection link, long now, String poolClosed, Predicate<ServerConnection> unfitHost) {
        if (!link.isUsable()) {
            return "unusable after an error";
        }
        if (poolClosed != null) {
            return poolClosed;
        }
        if (link.parameters().roleChanged()) {
            return "its host's role changed (in_hot_standby)";
        }
        if (unfitHost.test(link)) {
            return "its host no longer suits target_session_attrs (replay lag, or a standby is back)";
        }
        return now - link.expiresAtNanos() > 0 ? "max-lifetime" : null;
    }
}
