package io.pgferry.backend;

/** pgferry could not connect or log in to an upstream server; carries the SQLSTATE the client should see. */
public final class ServerLoginFailure extends RuntimeException {
    private final String sqlState;

    public ServerLoginFailure(String sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
