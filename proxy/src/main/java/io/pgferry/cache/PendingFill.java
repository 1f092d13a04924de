package io.pgferry.cache;

import java.util.ArrayList;
import java.util.List;

/**
 * A miss that one client's request is filling: other clients that miss the same key meanwhile wait for it rather
 * than run the same statement upstream, and look again when it ends (stored, failed, or its link closed).
 * Thread-safe; ends once.
 */
public final class PendingFill {
    private final List<Runnable> waiters = new ArrayList<>();
    private boolean ended;

    /** Runs {@code whenEnded} (on the thread that ends the fill) once it ends; {@code false} if it already has. */
    public synchronized boolean await(Runnable whenEnded) {
        if (ended) {
            return false;
        }
        waiters.add(whenEnded);
        return true;
    }

    void end() {
        List<Runnable> toRun;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            toRun = List.copyOf(waiters);
            waiters.clear();
        }
        toRun.forEach(Runnable::run);
    }
}
