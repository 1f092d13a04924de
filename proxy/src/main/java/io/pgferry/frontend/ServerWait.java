package io.pgferry.frontend;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnection;
import io.pgferry.pool.LinkRequest;
import io.pgferry.pool.ServerPool;
import java.util.function.BiConsumer;

/**
 * A client's request for a server from one of its pools, at most one at a time. The answer is delivered on the
 * client's event loop; an answer that arrives after the client gave up (cancel, disconnect) goes straight back to the
 * pool. Confined to the client's loop, except {@link #waitingSinceNanos()}, which the admin console reads.
 */
final class ServerWait {
    private final BiConsumer<ServerConnection, Throwable> onAnswer;
    private LinkRequest pending;
    /** The pool {@link #pending} waits in. */
    private ServerPool pool;
    private volatile long waitingSinceNanos;

    /** {@code onAnswer} gets the link, or the reason there is none, on the client's loop. */
    ServerWait(BiConsumer<ServerConnection, Throwable> onAnswer) {
        this.onAnswer = onAnswer;
    }

    /** Asks {@code from} for a server; the answer may come before this returns. */
    void start(EventLoop loop, ServerPool from) {
        LinkRequest request = new LinkRequest(loop, (answered, link, failure) -> answered(from, answered, link, failure));
        pending = request;
        pool = from;
        waitingSinceNanos = request.sinceNanos();
        pool.acquire(request);
    }

    private void answered(ServerPool from, LinkRequest request, ServerConnection link, Throwable failure) {
        if (request != pending) {
            if (link != null) {
                from.release(link);
            }
            return;
        }
        pending = null;
        waitingSinceNanos = 0;
        onAnswer.accept(link, failure);
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
