package io.pgferry.backend;

/**
 * How a link ended, for its log line: closed by pgferry (and why), or by the server or the network, after the
 * FATAL error the server sent, if any. Written by whoever closes the link or reads the server's last message.
 */
final class LinkEnd {
    private volatile String byPgferry;
    private volatile String serverFatal;

    /** pgferry closes the link for {@code reason}; the first reason given stands. */
    void byPgferry(String reason) {
        if (byPgferry == null) {
            byPgferry = reason;
        }
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
