package io.pgferry.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * Checks a password a client sent in cleartext (a PasswordMessage, or the password of an HTTP request's connection
 * string) against what pgferry stores for the user: its SCRAM verifier (PBKDF2 on the key-derivation workers, cached
 * there once it succeeded) or else its MD5 hash. An unknown user is checked against a decoy verifier, so it costs
 * what a wrong password costs and the two cannot be told apart. A password that matched a verifier is remembered
 * for a while, so a client that sends it with every request (SQL over HTTP) costs a lookup, not the HMACs that
 * compare it; a reload with a new verifier starts afresh. Thread-safe.
 */
public final class PasswordCheck {
    private record Verified(ScramSecret verifier, String password) {
    }

    private final KeyDerivation keyDerivation;
    private final ScramSecret decoy;
    private final Cache<Verified, Boolean> verified = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();

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
        if (verifier == null) {
            return keyDerivation.matches(decoy, password).thenApply(ok -> false);
        }
        Verified check = new Verified(verifier, password);
        if (verified.getIfPresent(check) != null) {
            return CompletableFuture.completedFuture(true);
        }
        return keyDerivation.matches(verifier, password).thenApply(ok -> {
            if (ok) {
                verified.put(check, true);
            }
            return ok;
        });
    }
}
