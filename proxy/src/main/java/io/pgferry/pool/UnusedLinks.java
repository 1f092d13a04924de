package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A pool's links that serve no client: idle ones, most recently released first, and parked ones, kept by the
 * client that last used them until another client needs one. Not thread-safe: guarded by its pool's monitor.
 */
final class UnusedLinks {
    private static final int SAME_LOOP_LOOKAHEAD = 4;

    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    /**
     * In the order they were parked. A hash set, because every transaction of a client that keeps its link takes it
     * out again: removing from the middle of a deque scanned and shifted it, 4 % of pgferry's user time at 8 clients.
     */
    private final LinkedHashSet<ServerConnection> parked = new LinkedHashSet<>();

    /** Takes the most recently released usable idle link, preferring one on the caller's event loop. */
    ServerConnection takeIdle(EventLoop loop) {
        for (Iterator<ServerConnection> it = idle.iterator(); it.hasNext(); ) {
            ServerConnection link = it.next();
            if (!link.isUsable()) {
                it.remove();
            } else if (link.eventLoop() == loop) {
                it.remove();
                return link;
            }
        }
        ServerConnection first;
        while ((first = idle.pollFirst()) != null) {
            if (first.isUsable()) {
                return first;
            }
        }
        return null;
    }

    /** Takes a parked link from whichever client parked it, preferring one on {@code loop}; null if none. */
    ServerConnection takeParked(EventLoop loop) {
        return takeSameLoopFirst(parked, loop);
    }

    /**
     * Removes and returns the first entry on {@code loop} among the first few, else the first entry: a client and
     * its link on one event loop talk without waking another thread. Looking only a few deep keeps waiters
     * nearly FIFO, so no waiter starves.
     */
    static <T> T takeSameLoopFirst(Collection<T> queue, EventLoop loop) {
        int looked = 0;
        for (Iterator<T> it = queue.iterator(); it.hasNext() && looked++ < SAME_LOOP_LOOKAHEAD; ) {
            T entry = it.next();
            EventLoop entryLoop = entry instanceof ServerConnection link ? link.eventLoop() : ((LinkRequest) entry).loop;
            if (entryLoop == loop) {
                it.remove();
                return entry;
            }
        }
        return pollFirst(queue);
    }

    /** Removes and returns the first entry, or null if there is none. */
    private static <T> T pollFirst(Collection<T> queue) {
        Iterator<T> it = queue.iterator();
        if (!it.hasNext()) {
            return null;
        }
        T first = it.next();
        it.remove();
        return first;
    }

    void addIdle(ServerConnection link) {
        idle.addFirst(link);
    }

    void park(ServerConnection link) {
        parked.add(link);
    }

    boolean unpark(ServerConnection link) {
        return parked.remove(link);
    }

    void remove(ServerConnection link) {
        idle.remove(link);
        parked.remove(link);
    }

    boolean contains(ServerConnection link) {
        return idle.contains(link) || parked.contains(link);
    }

    /** PAUSE: parked links become plain idle ones, so their clients cannot take them back. */
    void unparkAll() {
        idle.addAll(parked);
        parked.clear();
    }

    /** The least recently used idle link (else a parked one), removed; null if none. */
    ServerConnection pollOldest() {
        ServerConnection victim = idle.pollLast();
        return victim != null ? victim : pollFirst(parked);
    }

    ServerConnection pollIdle() {
        return idle.pollFirst();
    }

    /**
     * Removes and collects links past their lifetime, broken ones, and ones idle past {@code idleTimeoutNanos}
     * while more than {@code minIdle} of the pool's {@code open} links would remain.
     */
    void collectToClose(long now, long idleTimeoutNanos, int open, int minIdle, List<ServerConnection> toClose) {
        // Oldest first in both; parked links are idle too: their client has had no transaction since it parked them.
        collectToClose(idle.descendingIterator(), now, idleTimeoutNanos, open, minIdle, toClose);
        collectToClose(parked.iterator(), now, idleTimeoutNanos, open, minIdle, toClose);
    }

    private static void collectToClose(Iterator<ServerConnection> oldestFirst, long now, long idleTimeoutNanos, int open,
                                       int minIdle, List<ServerConnection> toClose) {
        while (oldestFirst.hasNext()) {
            ServerConnection link = oldestFirst.next();
            boolean expired = now - link.expiresAtNanos() > 0;
            boolean idleTooLong = idleTimeoutNanos > 0 && now - link.idleSinceNanos() > idleTimeoutNanos
                    && open - toClose.size() > minIdle;
            if (expired || idleTooLong || !link.isUsable()) {
                oldestFirst.remove();
                toClose.add(link);
            }
        }
    }

    /** Empties both lists, returning every link (the pool is closing). */
    List<ServerConnection> drain() {
        List<ServerConnection> all = new ArrayList<>(idle);
        all.addAll(parked);
        idle.clear();
        parked.clear();
        return all;
    }

    int idleCount() {
        return idle.size();
    }

    int parkedCount() {
        return parked.size();
    }

    boolean hasIdle() {
        return !idle.isEmpty();
    }
}
