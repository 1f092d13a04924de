package io.pgferry.backend;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a server link stands between its login and its close. The pool moves it (under its monitor) as it hands
 * the link out, takes it back, parks it; the link itself moves to {@link #RESETTING} and {@link #CLOSED}. Closed is
 * final.
 */
public enum LinkLifecycle {
    /** Logged in, not yet taken by its pool. */
    LOGIN,
    /** In its pool, free for any client. */
    IDLE,
    /** Kept by its last client between transactions, free for any client that needs one. */
    PARKED,
    /** Serving a client (or a request of pgferry's own). */
    ACTIVE,
    /** Its client left; pgferry is rolling it back or running the reset query before it goes back. */
    RESETTING,
    /** Closed, or closing; never handed out again. */
    CLOSED;

    private Set<LinkLifecycle> next;

    static {
        LOGIN.next = EnumSet.of(IDLE, ACTIVE, CLOSED);
        IDLE.next = EnumSet.of(ACTIVE, CLOSED);
        PARKED.next = EnumSet.of(ACTIVE, IDLE, CLOSED);
        ACTIVE.next = EnumSet.of(ACTIVE, IDLE, PARKED, RESETTING, CLOSED);
        RESETTING.next = EnumSet.of(RESETTING, ACTIVE, IDLE, CLOSED);
        CLOSED.next = EnumSet.noneOf(LinkLifecycle.class);
    }

    public boolean canMoveTo(LinkLifecycle target) {
        return next.contains(target);
    }

    /** SHOW SERVERS' state column: PgBouncer's words. */
    public String label() {
        return switch (this) {
            case ACTIVE -> "active";
            case IDLE, PARKED -> "idle";
            case LOGIN -> "login";
            case RESETTING, CLOSED -> "used";
        };
    }
}
