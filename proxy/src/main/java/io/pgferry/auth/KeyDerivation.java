package io.pgferry.auth;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs PBKDF2 (about 2-3 ms of CPU per SCRAM login at 4096 iterations) on the given workers, never on an event
 * loop, and caches salted passwords so that a pool opening many server connections with one password pays the
 * derivation once. Thread-safe.
 */
public final class KeyDerivation {
    private record Key(String password, String salt, int iterations) {
    }

    private final Executor workers;
    private final AsyncCache<Key, byte[]> saltedPasswords;

    public KeyDerivation(Executor workers) {
        this.workers = workers;
        this.saltedPasswords = Caffeine.newBuilder().maximumSize(10_000).executor(workers).buildAsync();
    }

    /** PBKDF2-HMAC-SHA-256 of {@code password}, computed on a worker or taken from the cache. */
    public CompletableFuture<byte[]> saltedPassword(String password, byte[] salt, int iterations) {
        Key key = new Key(password, java.util.Base64.getEncoder().encodeToString(salt), iterations);
        return saltedPasswords.get(key, k -> ScramSecret.saltedPassword(password, salt, iterations));
    }

    /** Checks a cleartext password against a SCRAM verifier; the comparison is constant-time. */
    public CompletableFuture<Boolean> matches(ScramSecret secret, String password) {
        return saltedPassword(password, secret.salt(), secret.iterations()).thenApply(salted -> {
            ScramSecret candidate = ScramSecret.fromSaltedPassword(salted, secret.salt(), secret.iterations());
            return MessageDigest.isEqual(candidate.storedKey(), secret.storedKey())
                    && MessageDigest.isEqual(candidate.serverKey(), secret.serverKey());
        });
    }

    /** Derives a fresh verifier for a password given in the configuration. */
    public CompletableFuture<ScramSecret> derive(String password) {
        return CompletableFuture.supplyAsync(() -> ScramSecret.derive(password), workers);
    }

    static byte[] xor(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length);
        for (int i = 0; i < out.length; i++) {
            out[i] ^= b[i];
        }
        return out;
    }
}
