package io.pgferry.config;

/** libpq's sslmode for pgferry's own connections to upstream servers. */
public enum ServerSslMode {
    DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

    static ServerSslMode parse(String text) {
        return valueOf(text.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    /** Whether the connection must not proceed without TLS. */
    public boolean requiresTls() {
        return this == REQUIRE || this == VERIFY_CA || this == VERIFY_FULL;
    }

    public boolean attemptsTls() {
        return this != DISABLE && this != ALLOW;
    }
}
