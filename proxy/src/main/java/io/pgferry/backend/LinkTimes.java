package io.pgferry.backend;

import io.pgferry.metrics.LoopClock;
import io.pgferry.metrics.PoolActivity;

/**
 * When a link's requests and transactions started and when it fell idle, for the query and transaction timers,
 * the running-request timeouts and the idle timeout. Written on the link's loop; the start and idle times are read
 * by housekeeping on any thread.
 */
final class LinkTimes {
    /** When the client's requests being sent now were read; 0 outside such a batch. */
    private long batchArrivalNanos;
    /** When the oldest unanswered request was sent, and when the open transaction began; 0 for none. */
    private volatile long requestStartNanos;
    private volatile long transactionStartNanos;
    private volatile long idleSinceNanos;

    LinkTimes(long createdNanos) {
        this.idleSinceNanos = createdNanos;
    }

    /** A client's requests, read at {@code now}, are about to be sent: they are timed from then. */
    void batchArriving(long now) {
        batchArrivalNanos = now;
    }

    void batchSent() {
        batchArrivalNanos = 0;
    }

    /** A request is being sent; {@code nothingOutstanding} if the link owed no replies before it. */
    void requestStarting(boolean nothingOutstanding) {
        if (nothingOutstanding) {
            long now = batchArrivalNanos != 0 ? batchArrivalNanos : LoopClock.nanoTime();
            requestStartNanos = now;
            if (transactionStartNanos == 0) {
                transactionStartNanos = now;
            }
        }
    }

    /** ReadyForQuery with {@code status}; {@code idle} if the link owes nothing more. Reports the times ended. */
    void readyForQuery(byte status, boolean idle, PoolActivity activity) {
        long now = LoopClock.nanoTime();
        long requestStart = requestStartNanos;
        if (requestStart != 0) {
            activity.queryEnded(now - requestStart);
            requestStartNanos = idle ? 0 : now;
        }
        long transactionStart = transactionStartNanos;
        if (status == 'I' && transactionStart != 0) {
            activity.transactionEnded(now - transactionStart);
            transactionStartNanos = idle ? 0 : now;
        }
        if (idle) {
            idleSinceNanos = now;
        }
    }

    long requestStartNanos() {
        return requestStartNanos;
    }

    long transactionStartNanos() {
        return transactionStartNanos;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }
}
