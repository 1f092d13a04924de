package io.pgferry.metrics;

/**
 * What a pool and its server links report as they work: the source of both the Prometheus series and the admin
 * console's SHOW STATS, so the two always agree. Called on event loops; implementations must be cheap and
 * thread-safe. Durations are in nanoseconds.
 */
public interface PoolActivity {
    PoolActivity NONE = new PoolActivity() {
    };

    /** A client took a server from the pool after waiting {@code nanos} (0 when one was free). */
    default void checkedOut(long nanos) {
    }

    /**
     * A client that waited while the pool's upstream could not be reached (failover buffering) got a server, or
     * the error at the end of failover-buffer-timeout, after {@code nanos}.
     */
    default void failoverWait(long nanos) {
    }

    /** A server connection was opened and logged in, in {@code nanos}. */
    default void serverLoggedIn(long nanos) {
    }

    /** Opening a server connection failed. */
    default void serverLoginFailed() {
    }

    /** A request ended with ReadyForQuery, {@code nanos} after it was sent. */
    default void queryEnded(long nanos) {
    }

    /** A transaction (or autocommit statement) ended, {@code nanos} after its first request. */
    default void transactionEnded(long nanos) {
    }

    /** Bytes read from and written to servers since the last report. */
    default void bytes(long received, long sent) {
    }

    /** The server answered with an ErrorResponse carrying {@code sqlState}. */
    default void serverError(String sqlState) {
    }

    /** A client sent Parse for a named statement. */
    default void clientParse() {
    }

    /** A Parse reached a server (forwarded or injected to re-prepare). */
    default void serverParse() {
    }

    /** A client's Parse was answered without the server: the statement was already prepared there. */
    default void preparedHit() {
    }

    /** A client sent Bind. */
    default void bind() {
    }

    /** A named statement was evicted from a server's cache. */
    default void statementEvicted() {
    }

    /** Totals so far, for SHOW STATS. */
    default PoolTotals totals() {
        return PoolTotals.ZERO;
    }
}
