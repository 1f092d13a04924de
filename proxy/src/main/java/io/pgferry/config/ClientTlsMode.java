package io.pgferry.config;

/** Whether clients may or must use TLS (PgBouncer's client_tls_sslmode, minus certificate checks). */
public enum ClientTlsMode {
    /** SSLRequest is answered 'N'. */
    DISABLE,
    /** TLS when the client asks for it; plaintext accepted. */
    ALLOW,
    /** As ALLOW; the difference matters only to clients choosing what to ask for. */
    PREFER,
    /** A client that does not negotiate TLS is refused. */
    REQUIRE;

    public boolean offersTls() {
        return this != DISABLE;
    }
}
