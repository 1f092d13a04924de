package io.pgferry.backend;

/** Why a server link closed under its client: the SQLSTATE and message of the FATAL error the client gets. */
public record ServerClosure(String sqlState, String message) {
}
