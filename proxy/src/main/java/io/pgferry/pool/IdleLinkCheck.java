package io.pgferry.pool;

import io.pgferry.backend.LinkLifecycle;
import io.pgferry.backend.ServerConnection;
import io.pgferry.config.PoolSettings;

/**
 * PgBouncer's server_check_delay and server_check_query: a link idle longer than the delay runs the query before
 * it is handed out, so a server that went away while idle (a failover, a restart, a firewall's timeout) costs a
 * retry on another link instead of the client's transaction. A link used more recently is handed out as is.
 */
final class IdleLinkCheck {
    private IdleLinkCheck() {
    }

    /** Whether {@code link} must be checked before it serves again, as of {@code now}. */
    static boolean due(ServerConnection link, PoolSettings settings, long now) {
        return !settings.serverCheckQuery().isEmpty() && now - link.idleSinceNanos() > settings.serverCheckDelay().toNanos();
    }

    /** Runs the check on the link's loop; then grants it to {@code request}, or closes it and asks the pool again. */
    static void run(ServerPool pool, ServerConnection link, LinkRequest request, String query) {
        // Out of the idle list and into use: the check is the link's first request for this client.
        link.moveTo(LinkLifecycle.ACTIVE);
        link.execute(() -> link.runQuietly(query, ok -> {
            if (ok) {
                request.grant(link);
            } else {
                link.close("server_check_query failed");
                pool.acquire(request);
            }
        }));
    }
}
