package io.pgferry.pool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many logged-in clients a pool has, and the mark that it was retired: a retired pool's count stays negative,
 * so a client that looked the pool up just before cannot join it and looks again (issue 22.4). Lock-free.
 */
final class PoolClients {
    private final AtomicInteger count = new AtomicInteger();

    /** A client joins; {@code false} if the pool was retired. */
    boolean tryJoin() {
        while (true) {
            int current = count.get();
            if (current < 0) {
                return false;
            }
            if (count.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** A client left; returns how many remain. */
    int leave() {
        return count.decrementAndGet();
    }

    int count() {
        return Math.max(0, count.get());
    }

    /** Marks the pool retired if it has no client; {@code false} if it has one. */
    boolean retireIfNone() {
        return count.compareAndSet(0, Integer.MIN_VALUE);
    }
}
