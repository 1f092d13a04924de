package io.pgferry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * Checks a password a client sent in cleartext (a PasswordMessage, or the password of an HTTP request's connection
 * string) against what pgferry stores for the user: its SCRAM verifier (PBKDF2 on the key-derivation workers, cached
 * there once it succeeded) or else its MD5 hash. An unknown user is checked against a decoy verifier, so it costs
 * what a wrong password costs and the two cannot be told apart. Thread-safe.
 */
public final class PasswordCheck {
    private final KeyDerivation keyDerivation;
    private final ScramSecret decoy;

    /** Derives the decoy: one PBKDF2, on the caller's thread, at startup. */
    public PasswordCheck(KeyDerivation keyDerivation) {
        this.keyDerivation = keyDerivation;
        byte[] unguessable = new byte[24];
        new SecureRandom().nextBytes(unguessable);
        this.decoy = ScramSecret.derive(Base64.getEncoder().encodeToString(unguessable));
    }

    /**
     * Completes with whether {@code password} is {@code user}'s, given what pgferry stores for it: its verifier, or
     * else its MD5 hash ({@code "md5..."}); both {@code null} for a user pgferry does not know.
     */
    public CompletableFuture<Boolean> matches(String user, ScramSecret verifier, String md5Hash, String password) {
        if (verifier == null && md5Hash != null) {
            byte[] expected = md5Hash.getBytes(StandardCharsets.US_ASCII);
            byte[] given = Md5Password.stored(user, password).getBytes(StandardCharsets.US_ASCII);
            return CompletableFuture.completedFuture(MessageDigest.isEqual(expected, given));
        }
        boolean known = verifier != null;
        return keyDerivation.matches(known ? verifier : decoy, password).thenApply(ok -> known && ok);
    }
}
