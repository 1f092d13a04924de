package io.pgferry.admin;

/** A console command that cannot run, with the SQLSTATE the console answers with. */
final class AdminCommandError extends RuntimeException {
    private final String sqlState;

    AdminCommandError(String sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }

    String sqlState() {
        return sqlState;
    }
}
