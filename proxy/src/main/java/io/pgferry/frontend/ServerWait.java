package io.pgferry.frontend;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnection;
import io.pgferry.pool.ServerPool;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A client's request for a server from its pool, at most one at a time. The answer is delivered on the client's
 * event loop; an answer that arrives after the client gave up (cancel, disconnect) goes straight back to the
 * pool. Confined to the client's loop, except {@link #waitingSinceNanos()}, which the admin console reads.
 */
final class ServerWait {
    private final ServerPool pool;
    private CompletableFuture<ServerConnection> pending;
    private volatile long waitingSinceNanos;

    ServerWait(ServerPool pool) {
        this.pool = pool;
    }

    /** Asks the pool for a server; {@code onAnswer} gets it, or the reason there is none, on {@code loop}. */
    void start(EventLoop loop, BiConsumer<ServerConnection, Throwable> onAnswer) {
        CompletableFuture<ServerConnection> request = pool.acquire(loop);
        pending = request;
        waitingSinceNanos = request.isDone() ? 0 : System.nanoTime();
        request.whenCompleteAsync((acquired, error) -> {
            if (request != pending) {
                if (acquired != null) {
                    pool.release(acquired);
                }
                return;
            }
            pending = null;
            waitingSinceNanos = 0;
            onAnswer.accept(acquired, error);
        }, loop);
    }

    boolean isWaiting() {
        return pending != null;
    }

    /** Leaves the pool's queue; {@code false} if there was no request. */
    boolean abandon() {
        if (pending == null) {
            return false;
        }
        pool.abandon(pending);
        pending = null;
        waitingSinceNanos = 0;
        return true;
    }

    /** When the open request began waiting; 0 if none is waiting. Any thread. */
    long waitingSinceNanos() {
        return waitingSinceNanos;
    }
}
