package io.pgferry.pool;

import io.pgferry.config.PoolSettings;

/** No server link became free within the pool's acquire timeout. */
public final class PoolTimeout extends RuntimeException {
    public PoolTimeout(String message) {
        super(message, null, false, false);
    }

    /** For a client that waited past acquire-timeout (PgBouncer's query_wait_timeout). */
    static PoolTimeout waitedTooLong(PoolKey key, PoolSettings settings) {
        return new PoolTimeout("query_wait_timeout: no server connection in pool " + key + " became free within "
                + settings.acquireTimeout().toMillis() + " ms (pool size " + settings.size() + ")");
    }
}
