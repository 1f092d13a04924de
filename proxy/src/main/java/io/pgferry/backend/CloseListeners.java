package io.pgferry.backend;

import java.util.function.Consumer;

/**
 * Who hears that a server link closed (its pool, the host counts of least-connections): each listener is told
 * once, when the link's close is reported, or at once if it was reported before the listener was added.
 * Thread-safe: listeners are added on any thread, the close is reported on the link's loop.
 */
final class CloseListeners {
    private Consumer<ServerConnection> listeners = link -> { };
    private boolean reported;

    void add(ServerConnection link, Consumer<ServerConnection> listener) {
        boolean closedAlready;
        synchronized (this) {
            closedAlready = reported;
            if (!closedAlready) {
                listeners = listeners.andThen(listener);
            }
        }
        if (closedAlready) {
            listener.accept(link);
        }
    }

    void report(ServerConnection link) {
        Consumer<ServerConnection> toTell;
        synchronized (this) {
            reported = true;
            toTell = listeners;
        }
        toTell.accept(link);
    }
}
