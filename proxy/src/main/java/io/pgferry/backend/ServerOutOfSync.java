package io.pgferry.backend;

/** The server sent a reply the link did not expect: the link can no longer be trusted and is closed, never pooled. */
public final class ServerOutOfSync extends RuntimeException {
    public ServerOutOfSync(String message) {
        super(message, null, false, false);
    }
}
