package io.pgferry.pool;

import io.pgferry.backend.ServerClosure;
import io.pgferry.backend.ServerConnection;
import io.pgferry.config.PoolSettings;
import io.pgferry.protocol.SqlState;
import java.util.Collection;

/**
 * query-timeout and transaction-timeout, checked on each housekeeping pass rather than with a timer per request,
 * as PgBouncer's janitor does: precise to the housekeeping interval, and free on the hot path. A link past its
 * bound is closed; its client gets the reason as a FATAL error.
 */
final class RunningLinkTimeouts {
    private RunningLinkTimeouts() {
    }

    static void enforce(Collection<ServerConnection> links, PoolSettings settings, long now) {
        long queryTimeout = settings.queryTimeout().toNanos();
        long transactionTimeout = settings.transactionTimeout().toNanos();
        if (queryTimeout == 0 && transactionTimeout == 0) {
            return;
        }
        for (ServerConnection link : links) {
            long requestStart = link.requestStartNanos();
            long transactionStart = link.transactionStartNanos();
            if (queryTimeout > 0 && requestStart != 0 && now - requestStart > queryTimeout) {
                link.abort(new ServerClosure(SqlState.QUERY_CANCELED, "query_timeout: the query ran longer than "
                        + settings.queryTimeout().toMillis() + " ms; its server connection was closed"));
            } else if (transactionTimeout > 0 && transactionStart != 0 && now - transactionStart > transactionTimeout) {
                link.abort(new ServerClosure(SqlState.TRANSACTION_TIMEOUT, "terminating connection due to transaction"
                        + " timeout: the transaction ran longer than " + settings.transactionTimeout().toMillis() + " ms"));
            }
        }
    }
}
