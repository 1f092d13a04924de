package io.pgferry.frontend;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a client session stands: what SHOW CLIENTS shows, what draining and cancels look at. A session moves
 * only along the transitions listed here, and only in {@code ClientSession#moveTo}, on the client's event loop.
 */
enum SessionState {
    /** Authenticated, being greeted; it may wait for or hold a server for that. */
    LOGGING_IN,
    /** Logged in, holding no server and waiting for none. */
    IDLE,
    /** Waiting in its pool's queue for a server. */
    WAITING,
    /** Waiting for another client's request to fill the cached result its own request needs. */
    AWAITING_RESULT,
    /** Holding a server that may be running its requests. */
    ACTIVE,
    /** Keeping its idle server between transactions; any other client that needs one may take it. */
    PARKED,
    /** The connection closed; nothing more happens. */
    CLOSING;

    private Set<SessionState> next;

    static {
        LOGGING_IN.next = EnumSet.of(ACTIVE, IDLE, CLOSING);
        IDLE.next = EnumSet.of(WAITING, AWAITING_RESULT, CLOSING);
        AWAITING_RESULT.next = EnumSet.of(IDLE, PARKED, CLOSING);
        WAITING.next = EnumSet.of(ACTIVE, IDLE, CLOSING);
        ACTIVE.next = EnumSet.of(PARKED, IDLE, CLOSING);
        PARKED.next = EnumSet.of(ACTIVE, IDLE, AWAITING_RESULT, CLOSING);
        CLOSING.next = EnumSet.noneOf(SessionState.class);
    }

    boolean canMoveTo(SessionState target) {
        return next.contains(target);
    }

    /** SHOW CLIENTS' state column: PgBouncer's words. */
    String label() {
        return switch (this) {
            case ACTIVE -> "active";
            case WAITING, AWAITING_RESULT -> "waiting";
            default -> "idle";
        };
    }
}
