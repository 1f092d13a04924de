package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.pgferry.protocol.SqlState;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * PgBouncer's client_idle_timeout and idle_transaction_timeout for one client: while pgferry waits for the client's
 * next request, a timer runs, the longer one outside a transaction; the client's next request stops it. Confined
 * to the client's event loop; both timeouts zero means nothing is ever scheduled.
 */
final class IdleTimeouts {
    private final Channel channel;
    private final long clientIdleMillis;
    private final long idleTransactionMillis;
    private ScheduledFuture<?> timer;

    IdleTimeouts(Channel channel, Duration clientIdle, Duration idleTransaction) {
        this.channel = channel;
        this.clientIdleMillis = clientIdle.toMillis();
        this.idleTransactionMillis = idleTransaction.toMillis();
    }

    boolean enabled() {
        return clientIdleMillis > 0 || idleTransactionMillis > 0;
    }

    /** The client sent something: it is not idle. */
    void requestArrived() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /**
     * Link loop: the client's link answered everything. The timer starts on the client's loop, and only if the
     * client has sent nothing since: a timer must never run during a request.
     */
    void linkIdle(InboundBatches inbound, byte transactionStatus) {
        if (!enabled()) {
            return;
        }
        long processed = inbound.lastProcessed();
        channel.eventLoop().execute(() -> {
            if (inbound.nothingSince(processed)) {
                waitingForClient(transactionStatus);
            }
        });
    }

    /** The client has its answers and pgferry now waits for it, inside a transaction or not. */
    void waitingForClient(byte transactionStatus) {
        requestArrived();
        boolean inTransaction = transactionStatus != 'I';
        long millis = inTransaction ? idleTransactionMillis : clientIdleMillis;
        if (millis > 0) {
            String reason = inTransaction ? "idle transaction timeout" : "client_idle_timeout";
            timer = channel.eventLoop().schedule(
                    () -> ClientErrors.fatal(channel, SqlState.PROTOCOL_VIOLATION, reason), millis, TimeUnit.MILLISECONDS);
        }
    }
}
