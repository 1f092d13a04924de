package io.pgferry.pool;

/** The two shared limits every server of a pool counts against: its database's and its upstream user's. */
record PoolLimits(ConnectionLimit database, ConnectionLimit user) {

    /** Takes a slot under both limits, or neither. */
    boolean tryTake() {
        if (!database.tryTake()) {
            return false;
        }
        if (!user.tryTake()) {
            database.undoTake();
            return false;
        }
        return true;
    }

    /** A server closed or failed to open: its slots go back, and waiting pools may open one. */
    void giveBack() {
        database.giveBack();
        user.giveBack();
    }

    /** Asks the other pools under either limit to close an idle server for {@code needy}. */
    void makeRoom(ServerPool needy) {
        database.makeRoom(needy);
        user.makeRoom(needy);
    }

    void join(ServerPool pool) {
        database.join(pool);
        user.join(pool);
    }

    /** The pool was retired: it no longer opens servers under either limit. */
    void leave(ServerPool pool) {
        database.leave(pool);
        user.leave(pool);
    }
}
