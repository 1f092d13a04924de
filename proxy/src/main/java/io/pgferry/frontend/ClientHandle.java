package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.pgferry.backend.ServerConnection;
import io.pgferry.context.ClientInfo;
import io.pgferry.protocol.SqlState;

/**
 * A client session as other threads see it. The cancel-key and client registries hold this, and CancelRequests,
 * SHOW CLIENTS, KILL and draining go through it. It keeps what those threads read (the link a request of the
 * client may be running on, when the client last sent a request) and hands whatever changes the session to the
 * client's event loop.
 */
final class ClientHandle {
    private final ClientSession session;
    private final FrontendContext context;
    private final ClientStartup startup;
    private final Channel channel;
    private final long id;
    private final long connectedAtMillis = System.currentTimeMillis();
    private final long connectedAtNanos = System.nanoTime();
    /** Monotonic, read once per request burst and shared by what it times; SHOW CLIENTS converts it to wall time. */
    private volatile long lastRequestNanos = connectedAtNanos;
    /** The link while a request of this client may be running on it; what a CancelRequest targets. */
    private volatile ServerConnection activeLink;

    /** {@code id}: pgferry's number for the client (SHOW CLIENTS, KILL_CLIENT). */
    ClientHandle(ClientSession session, FrontendContext context, ClientStartup startup, Channel channel, long id) {
        this.session = session;
        this.context = context;
        this.startup = startup;
        this.channel = channel;
        this.id = id;
    }

    long id() {
        return id;
    }

    String database() {
        return startup.database();
    }

    /** A burst of requests arrived at {@code now} (monotonic nanoseconds). */
    void requestArrived(long now) {
        lastRequestNanos = now;
    }

    /** The link while a request of this client may be running on it, or {@code null}; any thread. */
    ServerConnection activeLink() {
        return activeLink;
    }

    /** The client's loop: a request may run on {@code link} from now, or ({@code null}) no longer. */
    void activeLink(ServerConnection link) {
        activeLink = link;
    }

    /**
     * On the link's loop: the link this client holds closed. Returns {@code false} if it was parked (not in use)
     * by a client that gives its server back, so the client's next request simply takes another.
     */
    boolean loseActiveLink(boolean givesServerBack) {
        if (activeLink == null && givesServerBack) {
            return false;
        }
        activeLink = null;
        return true;
    }

    /**
     * A CancelRequest for this client (any thread): forwarded to the server running its query; a client waiting for
     * a server leaves the queue with 57014; an idle client, or one whose link went back meanwhile, has nothing to
     * cancel. Returns the outcome's metric label.
     */
    String cancel() {
        ServerConnection current = activeLink;
        if (current != null) {
            // Sent only while the link still serves this client; the link then waits for the cancel to be over
            // before any other client gets it (ServerConnector#cancel), so a late cancel hits nobody else.
            return context.connector().cancel(channel.eventLoop(), current, () -> activeLink == current,
                    context.config().cancelWaitTimeout()).isPresent() ? "forwarded" : "idle";
        }
        if (session.waitingSinceNanos() == 0 && session.state() != SessionState.AWAITING_RESULT) {
            return "idle";
        }
        channel.eventLoop().execute(session::cancelWait);
        return "dequeued";
    }

    /** Ends this client with a FATAL error (admin KILL, KILL_CLIENT); any thread. */
    void terminate(String sqlState, String message) {
        channel.eventLoop().execute(() -> ClientErrors.fatal(channel, sqlState, message));
    }

    /** While draining, a client holding no server leaves now; one inside a transaction leaves when it ends. */
    void endIfIdleWhileDraining() {
        channel.eventLoop().execute(() -> {
            if (session.state() == SessionState.IDLE || session.state() == SessionState.PARKED) {
                ClientErrors.fatal(channel, SqlState.ADMIN_SHUTDOWN, "pgferry is shutting down");
            }
        });
    }

    /** A snapshot for SHOW CLIENTS; any thread. */
    ClientInfo describe() {
        long lastRequestMillis = connectedAtMillis + (lastRequestNanos - connectedAtNanos) / 1_000_000;
        return ClientSnapshot.of(id, startup, channel, session.state(), activeLink, session.waitingSinceNanos(),
                connectedAtMillis, lastRequestMillis, session.applicationName(), session.preparedStatementCount());
    }
}
