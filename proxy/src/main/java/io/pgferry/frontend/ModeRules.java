package io.pgferry.frontend;

import io.pgferry.config.PoolMode;

/**
 * What a pool mode means for a client session, in one place rather than as mode checks through the session:
 * whether it gives its server back between transactions, and what follows from that.
 */
enum ModeRules {
    /** The client keeps its server for its whole session. */
    SESSION(false, false),
    /** The server goes back when the client is outside a transaction with nothing outstanding. */
    TRANSACTION(true, false),
    /** As transaction mode, and a transaction block is an error. */
    STATEMENT(true, true);

    private final boolean givesServerBack;
    private final boolean refusesTransactionBlocks;

    ModeRules(boolean givesServerBack, boolean refusesTransactionBlocks) {
        this.givesServerBack = givesServerBack;
        this.refusesTransactionBlocks = refusesTransactionBlocks;
    }

    static ModeRules of(PoolMode mode) {
        return switch (mode) {
            case SESSION -> SESSION;
            case TRANSACTION -> TRANSACTION;
            case STATEMENT -> STATEMENT;
        };
    }

    /**
     * Whether the client gives its server back between transactions; then it can be greeted from what the pool's
     * servers reported, its statement names are translated, its parameters are tracked and re-applied on each
     * server it lands on, and a server that speaks while parked is not its business.
     */
    boolean givesServerBack() {
        return givesServerBack;
    }

    /** Whether the server must be reset when the client leaves: always in session mode, else only when pinned. */
    boolean resetsOnLeave(boolean pinned) {
        return !givesServerBack || pinned;
    }

    /** Statement mode: a ReadyForQuery inside a transaction block ends the client. */
    boolean refusesTransactionBlocks() {
        return refusesTransactionBlocks;
    }
}
