package io.pgferry.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** PostgreSQL's MD5 password scheme: stored {@code md5(password || user)}, sent {@code md5(stored || salt)}. */
public final class Md5Password {
    private Md5Password() {
    }

    /** The stored form, {@code "md5" + hex(md5(password || user))}. */
    public static String stored(String user, String password) {
        return "md5" + md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
    }

    /** What a client sends for a stored hash and the server's four-byte salt. */
    public static String response(String storedHash, byte[] salt) {
        byte[] hex = storedHash.substring(3).getBytes(StandardCharsets.US_ASCII);
        byte[] salted = new byte[hex.length + salt.length];
        System.arraycopy(hex, 0, salted, 0, hex.length);
        System.arraycopy(salt, 0, salted, hex.length, salt.length);
        return "md5" + md5Hex(salted);
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }
}
