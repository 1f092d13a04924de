package io.pgferry.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A SCRAM-SHA-256 verifier (RFC 5802/7677) in PostgreSQL's text form
 * {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}; holds no password.
 */
public record ScramSecret(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    public static final String PREFIX = "SCRAM-SHA-256$";
    public static final int DEFAULT_ITERATIONS = 4096;

    public static boolean looksLikeVerifier(String text) {
        return text.startsWith(PREFIX);
    }

    public static ScramSecret parse(String text) {
        try {
            String[] parts = text.substring(PREFIX.length()).split("[$:]");
            if (!looksLikeVerifier(text) || parts.length != 4) {
                throw new IllegalArgumentException("expected SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>");
            }
            Base64.Decoder base64 = Base64.getDecoder();
            return new ScramSecret(Integer.parseInt(parts[0]), base64.decode(parts[1]), base64.decode(parts[2]),
                    base64.decode(parts[3]));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier: " + e.getMessage(), e);
        }
    }

    /** Derives a verifier with a fresh random salt. Costs one PBKDF2: call it off the event loops. */
    public static ScramSecret derive(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return fromSaltedPassword(saltedPassword(password, salt, DEFAULT_ITERATIONS), salt, DEFAULT_ITERATIONS);
    }

    static ScramSecret fromSaltedPassword(byte[] saltedPassword, byte[] salt, int iterations) {
        byte[] clientKey = hmac(saltedPassword, "Client Key");
        return new ScramSecret(iterations, salt, sha256(clientKey), hmac(saltedPassword, "Server Key"));
    }

    /** PBKDF2-HMAC-SHA-256 of the password; the expensive step of SCRAM. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        }
    }

    static byte[] hmac(byte[] key, String message) {
        return hmac(key, message.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        Base64.Encoder base64 = Base64.getEncoder();
        return PREFIX + iterations + ":" + base64.encodeToString(salt) + "$" + base64.encodeToString(storedKey) + ":"
                + base64.encodeToString(serverKey);
    }
}
