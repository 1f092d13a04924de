package io.pgferry.backend;

import io.pgferry.protocol.SqlState;

/**
 * How a link ended, for its log line and its client: closed by pgferry (and why; a timeout also says what its
 * client is told), or by the server or the network, after the FATAL error the server sent, if any. Written by
 * whoever closes the link or reads the server's last message.
 */
final class LinkEnd {
    private volatile String byPgferry;
    private volatile ServerClosure forClient;
    private volatile String serverFatal;

    /** pgferry closes the link for {@code reason}; the first reason given stands. */
    void byPgferry(String reason) {
        if (byPgferry == null) {
            byPgferry = reason;
        }
    }

    /** pgferry ends the link on purpose (a timeout): its client gets {@code why} rather than a generic failure. */
    void aborted(ServerClosure why) {
        forClient = why;
        byPgferry(why.message());
    }

    /** What the link's client is told: why pgferry aborted it, or that the connection closed for {@code reason}. */
    ServerClosure forClient(String reason) {
        ServerClosure why = forClient;
        return why != null ? why
                : new ServerClosure(SqlState.CONNECTION_FAILURE, "server connection closed: " + reason);
    }

    void serverFatal(String sqlState, String message) {
        serverFatal = sqlState + ": " + message;
    }

    /** Why pgferry closed the link, or {@code null} if it did not. */
    String byPgferry() {
        return byPgferry;
    }

    /** {@code seen} (what the link handler saw: the server closed, an I/O error), with the server's FATAL error. */
    String notByPgferry(String seen) {
        return serverFatal == null ? seen : seen + " after FATAL " + serverFatal;
    }
}
