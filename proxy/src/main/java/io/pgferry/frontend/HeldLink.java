package io.pgferry.frontend;

import io.pgferry.backend.ServerConnection;
import io.pgferry.pool.ServerPool;

/**
 * The server link a client session holds, in use or parked between transactions, and the pool it belongs to: the
 * client's own, or its database's standbys' when read routing sent it there. While the session waits for a link,
 * the pool is the one it waits in. Confined to the client's loop; what the link itself must do to go back (detach,
 * release) is handed to the link's loop.
 */
final class HeldLink {
    private ServerConnection link;
    private ServerPool pool;

    HeldLink(ServerPool pool) {
        this.pool = pool;
    }

    /** The link held, or {@code null}. */
    ServerConnection link() {
        return link;
    }

    ServerPool pool() {
        return pool;
    }

    /** The session asks {@code from} for a link. */
    void waitIn(ServerPool from) {
        pool = from;
    }

    /** The link the session waited for arrived. */
    void hold(ServerConnection acquired) {
        link = acquired;
    }

    /**
     * Parks the link with {@code owner} between transactions; if its pool will not have it parked (a client waits),
     * gives it back and holds nothing. Returns whether it is parked.
     */
    boolean parkOrGiveBack(Object owner) {
        ServerConnection current = link;
        if (pool.park(current, owner)) {
            return true;
        }
        link = null;
        giveBack(current, pool);
        return false;
    }

    /**
     * Takes the parked link back for a request that needs a link of {@code wanted}. Returns {@code false}, holding
     * nothing, if another client took it meanwhile or it had to close, or if it belongs to another pool: then it goes
     * back for anyone to use.
     */
    boolean unpark(Object owner, ServerPool wanted, long now) {
        ServerConnection parked = link;
        if (pool == wanted && pool.unpark(parked, owner, now)) {
            return true;
        }
        link = null;
        if (pool != wanted && pool.unpark(parked, owner, now)) {
            giveBack(parked, pool);
        }
        return false;
    }

    /**
     * The session ends: returns the link it still holds ({@code parked}: taken back from parking, if nobody took
     * it), or {@code null}; it holds nothing after.
     */
    ServerConnection leave(Object owner, boolean parked) {
        ServerConnection held = link;
        link = null;
        if (held != null && parked && !pool.unpark(held, owner, System.nanoTime())) {
            return null;
        }
        return held;
    }

    private static void giveBack(ServerConnection link, ServerPool to) {
        link.execute(() -> {
            link.detach();
            to.release(link);
        });
    }
}
