package io.pgferry.pool;

import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerParameters;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open link of one pool, in use or not (SHOW SERVERS, KILL, the running-link timeouts), and the RECONNECT
 * mark: links opened before it close as soon as they are not in use; what the latest link reported at login.
 * Thread-safe.
 */
final class PoolLinks {
    private final Set<ServerConnection> links = ConcurrentHashMap.newKeySet();
    private volatile long reconnectRequestedNanos;
    /** What the latest server to log in reported, for greeting clients before they need a server. */
    private volatile List<ServerParameters.LoginParameter> knownLogin;

    /** A link logged in. */
    void add(ServerConnection link) {
        knownLogin = link.parameters().login();
        links.add(link);
    }

    /** What the latest link to log in reported; {@code null} before any did. */
    List<ServerParameters.LoginParameter> knownLogin() {
        return knownLogin;
    }

    void remove(ServerConnection link) {
        links.remove(link);
    }

    /** The live set, for housekeeping to walk. */
    Set<ServerConnection> live() {
        return links;
    }

    List<ServerConnection> snapshot() {
        return List.copyOf(links);
    }

    /** RECONNECT at {@code now}: every link now open expires, so it closes when next released. */
    void expireAll(long now) {
        reconnectRequestedNanos = now;
        links.forEach(link -> link.expireAt(now - 1));
    }

    /** Whether links opened before the last RECONNECT are still open. */
    boolean reconnectPending() {
        long mark = reconnectRequestedNanos;
        return mark != 0 && links.stream().anyMatch(link -> link.createdNanos() - mark <= 0);
    }
}
