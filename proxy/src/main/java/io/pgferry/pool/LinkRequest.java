package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.LinkLifecycle;
import io.pgferry.backend.ServerConnection;

/**
 * One client's request for a server link, queued in a pool until a link is free. The answer runs on the
 * requester's event loop: at once when the pool answers from that loop (the common case, a link handed over by a
 * client on the same loop), else as a task there. A request is answered exactly once: whoever removes it from the
 * pool's queue answers it.
 */
public final class LinkRequest {
    /** Receives the link, or why there is none, on the requester's loop. */
    @FunctionalInterface
    public interface Answer {
        void answer(LinkRequest request, ServerConnection link, Throwable failure);
    }

    final EventLoop loop;
    final long since = System.nanoTime();
    private final Answer answer;
    /** It waited while its pool's upstream could not be reached (failover buffering); guarded by the pool. */
    boolean buffered;

    public LinkRequest(EventLoop loop, Answer answer) {
        this.loop = loop;
        this.answer = answer;
    }

    public long sinceNanos() {
        return since;
    }

    void grant(ServerConnection link) {
        link.moveTo(LinkLifecycle.ACTIVE);
        deliver(link, null);
    }

    void refuse(Throwable failure) {
        deliver(null, failure);
    }

    private void deliver(ServerConnection link, Throwable failure) {
        if (loop.inEventLoop()) {
            answer.answer(this, link, failure);
        } else {
            loop.execute(() -> answer.answer(this, link, failure));
        }
    }
}
