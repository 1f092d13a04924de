package io.pgferry.frontend;

import java.util.concurrent.atomic.LongAdder;

/**
 * Why a transaction-mode client was pinned to its server for the rest of its session: it created state that
 * pgferry cannot carry to another server. Each reason counts the pins it caused (exported by the metrics).
 */
public enum PinReason {
    /** SET of a parameter the server does not report, so pgferry cannot re-apply it elsewhere. */
    UNTRACKED_SET("set"),
    LISTEN("listen"),
    ADVISORY_LOCK("advisory_lock"),
    TEMP_TABLE("temp_table"),
    CURSOR_WITH_HOLD("cursor_with_hold"),
    SQL_PREPARE("sql_prepare"),
    LOAD("load");

    private final String label;
    private final LongAdder pins = new LongAdder();

    PinReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public long pins() {
        return pins.sum();
    }

    void count() {
        pins.increment();
    }
}
