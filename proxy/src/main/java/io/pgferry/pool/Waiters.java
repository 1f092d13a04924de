package io.pgferry.pool;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The requests waiting for one pool's links, oldest first. Not thread-safe: guarded by the pool's monitor. */
final class Waiters {
    private final ArrayDeque<LinkRequest> queue = new ArrayDeque<>();

    void add(LinkRequest request) {
        queue.add(request);
    }

    LinkRequest oldest() {
        return queue.peek();
    }

    /** The oldest, removed, as a list of one; empty if none waits. */
    List<LinkRequest> pollOldest() {
        LinkRequest oldest = queue.poll();
        return oldest == null ? List.of() : List.of(oldest);
    }

    void remove(LinkRequest request) {
        queue.remove(request);
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Marks every waiter as buffered: the upstream cannot be reached while they wait. */
    void markBuffered() {
        queue.forEach(request -> request.buffered = true);
    }

    int size() {
        return queue.size();
    }

    /** The next waiter for a link on {@code loop}: one on that loop among the first few, else the oldest. */
    LinkRequest takeFor(EventLoop loop) {
        return UnusedLinks.takeSameLoopFirst(queue, loop);
    }

    /**
     * Removes and returns the requests that have waited longer than {@code timeout} (acquire-timeout; 0 for none)
     * by {@code now}. Housekeeping calls this, as PgBouncer's janitor checks query_wait_timeout, rather than a timer
     * per request: nearly every transaction waits when clients outnumber servers, and a timer set and cancelled
     * each time costs more than the precision is worth.
     */
    List<LinkRequest> pollExpired(long now, Duration timeout) {
        long timeoutNanos = timeout.toNanos();
        List<LinkRequest> expired = new ArrayList<>();
        if (timeoutNanos <= 0) {
            return expired;
        }
        for (LinkRequest request = queue.peek(); request != null && now - request.since > timeoutNanos;
             request = queue.peek()) {
            expired.add(queue.poll());
        }
        return expired;
    }

    /** How long the oldest has waited by {@code now}, in microseconds; 0 if none waits. */
    long longestWaitMicros(long now) {
        LinkRequest oldest = queue.peek();
        return oldest == null ? 0 : (now - oldest.since) / 1000;
    }

    /** Empties the queue, returning what it held. */
    List<LinkRequest> drain() {
        List<LinkRequest> all = new ArrayList<>(queue);
        queue.clear();
        return all;
    }
}
