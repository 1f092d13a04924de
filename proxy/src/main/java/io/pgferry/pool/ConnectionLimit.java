package io.pgferry.pool;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * A bound on server connections shared by several pools: all pools of one database (max_db_connections) or all
 * pools logging in as one user (max_user_connections). A pool takes a slot before opening a server and gives it
 * back when the server closes; pools that wait for a slot are told when one frees. Thread-safe; a pool never
 * holds this monitor while calling into another pool.
 */
final class ConnectionLimit {
    private final IntSupplier max;
    private final Set<ServerPool> pools = ConcurrentHashMap.newKeySet();
    private int used;

    /** {@code max} is read on each use, so a reload takes effect at once; 0 or less means no bound. */
    ConnectionLimit(IntSupplier max) {
        this.max = max;
    }

    void join(ServerPool pool) {
        pools.add(pool);
    }

    void leave(ServerPool pool) {
        pools.remove(pool);
    }

    /** Whether no pool counts under this limit any more and none of its slots is taken. */
    synchronized boolean isUnused() {
        return pools.isEmpty() && used == 0;
    }

    synchronized boolean tryTake() {
        int bound = max.getAsInt();
        if (bound > 0 && used >= bound) {
            return false;
        }
        used++;
        return true;
    }

    /** Returns a slot taken by an opening that did not happen; nobody needs to hear of it. */
    synchronized void undoTake() {
        used--;
    }

    /** Returns the slot of a server that closed, and lets the other pools open one for their waiters. */
    void giveBack() {
        synchronized (this) {
            used--;
        }
        pools.forEach(ServerPool::openForWaiters);
    }

    /** Closes an idle server of another pool under this bound, so that {@code needy} can open one. */
    void makeRoom(ServerPool needy) {
        for (ServerPool pool : pools) {
            if (pool != needy && pool.closeOneIdle()) {
                return;
            }
        }
    }

    synchronized int used() {
        return used;
    }

    int max() {
        return max.getAsInt();
    }
}
