package io.pgferry.pool;

import io.pgferry.config.PoolMode;

/**
 * Where a logged-in client's requests go, as {@link Pools#route} decides it for any kind of client (a session on
 * the PostgreSQL port, an HTTP request, a WebSocket): a pool it has joined and the mode it runs in, or why it may
 * not have one.
 */
public sealed interface Route {
    /**
     * The client joined {@code pool} (it must {@link Pools#leave leave} it) and is pooled in {@code mode}; its
     * read-only requests may go to {@code reads}, the pool of its database's standbys ({@code null} if not).
     */
    record ToPool(ServerPool pool, PoolMode mode, ServerPool reads) implements Route {
    }

    /** No pool for this client: the error it gets, with PostgreSQL's or PgBouncer's SQLSTATE. */
    record Refused(String sqlState, String message) implements Route {
    }
}
