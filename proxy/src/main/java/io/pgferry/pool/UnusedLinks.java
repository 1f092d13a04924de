package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.LinkLifecycle;
import io.pgferry.backend.ServerConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A pool's links that serve no client: idle ones, most recently released first, and parked ones, kept by the
 * client that last used them until another client needs one. Not thread-safe: guarded by its pool's monitor.
 */
final class UnusedLinks {
    private static final int SAME_LOOP_LOOKAHEAD = 4;

    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<ServerConnection> parked = new ArrayDeque<>();

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
    static <T> T takeSameLoopFirst(ArrayDeque<T> queue, EventLoop loop) {
        int looked = 0;
        for (Iterator<T> it = queue.iterator(); it.hasNext() && looked++ < SAME_LOOP_LOOKAHEAD; ) {
            T entry = it.next();
            EventLoop entryLoop = entry instanceof ServerConnection link ? link.eventLoop() : ((LinkRequest) entry).loop;
            if (entryLoop == loop) {
                it.remove();
                return entry;
            }
        }
        return queue.pollFirst();
    }

    void addIdle(ServerConnection link) {
        link.moveTo(LinkLifecycle.IDLE);
        idle.addFirst(link);
    }

    void park(ServerConnection link) {
        link.moveTo(LinkLifecycle.PARKED);
        parked.addLast(link);
    }

    /** The parking client takes its link back; {@code false} if it is no longer parked. */
    boolean unpark(ServerConnection link) {
        if (!parked.remove(link)) {
            return false;
        }
        link.moveTo(LinkLifecycle.ACTIVE);
        return true;
    }

    void remove(ServerConnection link) {
        idle.remove(link);
        parked.remove(link);
    }

    /** PAUSE: parked links become plain idle ones, so their clients cannot take them back. */
    void unparkAll() {
        parked.forEach(link -> link.moveTo(LinkLifecycle.IDLE));
        idle.addAll(parked);
        parked.clear();
    }

    /** The least recently used idle link (else a parked one), removed; null if none. */
    ServerConnection pollOldest() {
        ServerConnection victim = idle.pollLast();
        return victim != null ? victim : parked.pollFirst();
    }

    ServerConnection pollIdle() {
        return idle.pollFirst();
    }

    /**
     * Removes and collects links past their lifetime, broken ones, and ones idle past {@code idleTimeoutNanos}
     * while more than {@code minIdle} of the pool's {@code open} links would remain.
     */
    void collectToClose(long now, long idleTimeoutNanos, int open, int minIdle, List<ServerConnection> toClose) {
        // Parked links are idle too: their client has had no transaction since it parked them.
        for (ArrayDeque<ServerConnection> unused : List.of(idle, parked)) {
            for (Iterator<ServerConnection> it = unused.descendingIterator(); it.hasNext(); ) {
                ServerConnection link = it.next();
                boolean expired = now - link.expiresAtNanos() > 0;
                boolean idleTooLong = idleTimeoutNanos > 0 && now - link.idleSinceNanos() > idleTimeoutNanos
                        && open - toClose.size() > minIdle;
                if (expired || idleTooLong || !link.isUsable()) {
                    it.remove();
                    toClose.add(link);
                }
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
