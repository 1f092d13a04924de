package io.pgferry.pool;

/** No server link became free within the pool's acquire timeout. */
public final class PoolTimeout extends RuntimeException {
    public PoolTimeout(String message) {
        super(message, null, false, false);
    }
}
