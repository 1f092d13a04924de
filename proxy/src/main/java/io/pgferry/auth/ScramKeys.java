package io.pgferry.auth;

/**
 * The keys a client's SCRAM proof reveals to the server that checked it (RFC 5802: the ClientKey is the proof
 * XOR the ClientSignature), with the verifier's ServerKey: enough to log in with SCRAM as that user to a server
 * that stores the same verifier, without the password. Held in memory only.
 */
public record ScramKeys(byte[] clientKey, byte[] serverKey) {
    /** The keys of a password whose PBKDF2 result (SaltedPassword) is {@code saltedPassword}. */
    public static ScramKeys fromSaltedPassword(byte[] saltedPassword) {
        return new ScramKeys(ScramSecret.hmac(saltedPassword, "Client Key"), ScramSecret.hmac(saltedPassword,
                "Server Key"));
    }
}
