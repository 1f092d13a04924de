package io.pgferry.backend;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CancelRequests sent for one link whose connections the server has not closed yet. PostgreSQL signals the
 * backend before it closes a cancel connection, and a signal that arrives late cancels whatever the backend runs
 * then, so a link with a cancel in flight must reach no other client until the count is back to zero (PgBouncer
 * keeps such a server out of the pool likewise). Counting up is thread-safe; counting down and the actions that
 * wait for zero run on the link's loop, so no action is missed between a check and its registration.
 */
final class PendingCancels {
    private final AtomicInteger count = new AtomicInteger();
    /** Link loop only. */
    private List<Runnable> waiting;

    void begin() {
        count.incrementAndGet();
    }

    /** Any thread: one cancel connection is over (sent and closed by the server, refused, or timed out). */
    void end(EventLoop linkLoop) {
        linkLoop.execute(() -> {
            if (count.decrementAndGet() == 0 && waiting != null) {
                List<Runnable> due = waiting;
                waiting = null;
                due.forEach(Runnable::run);
            }
        });
    }

    boolean any() {
        return count.get() > 0;
    }

    /** Link loop: runs {@code action} now if no cancel is in flight, else once the last one is over. */
    void whenNone(Runnable action) {
        if (count.get() == 0) {
            action.run();
            return;
        }
        if (waiting == null) {
            waiting = new ArrayList<>(1);
        }
        waiting.add(action);
    }
}
