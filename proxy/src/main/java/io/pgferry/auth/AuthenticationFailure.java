package io.pgferry.auth;

/** An authentication exchange that cannot go on: malformed SCRAM data or a server that refused us. */
public final class AuthenticationFailure extends RuntimeException {
    public AuthenticationFailure(String message) {
        super(message, null, false, false);
    }
}
