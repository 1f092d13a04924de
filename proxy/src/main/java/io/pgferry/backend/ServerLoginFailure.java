package io.pgferry.backend;

import io.pgferry.protocol.SqlState;
import java.util.concurrent.CompletionException;

/** pgferry could not connect or log in to an upstream server; carries the SQLSTATE the client should see. */
public final class ServerLoginFailure extends RuntimeException {
    private final String sqlState;

    public ServerLoginFailure(String sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }

    /** The failure behind {@code error}, a future's wrapping removed; anything else becomes a 08006 failure. */
    public static ServerLoginFailure of(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof ServerLoginFailure known ? known
                : new ServerLoginFailure(SqlState.CONNECTION_FAILURE, String.valueOf(cause.getMessage()));
    }

    /** Unreachable, starting up, shutting down or recovering (08xxx, 57P03): a retry, or another host, may do. */
    public boolean isTransient() {
        return sqlState.startsWith("08") || sqlState.equals(SqlState.CANNOT_CONNECT_NOW);
    }

    public String sqlState() {
        return sqlState;
    }
}
