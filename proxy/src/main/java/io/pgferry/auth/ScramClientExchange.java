package io.pgferry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * The client side of one SCRAM-SHA-256 exchange with PostgreSQL, as pgferry logs in upstream. The PBKDF2 step
 * runs on {@link KeyDerivation}'s workers; the rest is cheap. Used by one server link at a time.
 */
public final class ScramClientExchange {
    private static final String GS2_HEADER = "n,,";

    private final String password;
    private final KeyDerivation keyDerivation;
    /** The keys to prove with instead of a password (SCRAM pass-through), else {@code null}. */
    private final ScramKeys keys;
    private final String clientNonce;
    private String clientFirstBare;
    private byte[] expectedServerSignature;

    public ScramClientExchange(String password, KeyDerivation keyDerivation) {
        this(password, keyDerivation, null);
    }

    /**
     * Proves with known keys instead of a password (SCRAM pass-through: a client's revealed keys); needs the server
     * to store the verifier they belong to.
     */
    public ScramClientExchange(ScramKeys keys) {
        this(null, null, keys);
    }

    private ScramClientExchange(String password, KeyDerivation keyDerivation, ScramKeys keys) {
        this.password = password;
        this.keyDerivation = keyDerivation;
        this.keys = keys;
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        this.clientNonce = Base64.getEncoder().encodeToString(random);
    }

    /** client-first-message; PostgreSQL takes the user from the startup packet, so the SCRAM user name is empty. */
    public byte[] clientFirst() {
        clientFirstBare = "n=,r=" + clientNonce;
        return (GS2_HEADER + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    /** Computes client-final-message from server-first-message, off the event loop. */
    public CompletableFuture<byte[]> clientFinal(String serverFirst) {
        String nonce = ScramServerExchange.attribute(serverFirst, 'r');
        if (!nonce.startsWith(clientNonce)) {
            return CompletableFuture.failedFuture(new AuthenticationFailure("server nonce does not extend ours"));
        }
        byte[] salt = Base64.getDecoder().decode(ScramServerExchange.attribute(serverFirst, 's'));
        int iterations = Integer.parseInt(ScramServerExchange.attribute(serverFirst, 'i'));
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(StandardCharsets.UTF_8))
                + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        if (keys != null) {
            return CompletableFuture.completedFuture(proven(keys, withoutProof, authMessage));
        }
        return keyDerivation.saltedPassword(password, salt, iterations).thenApply(salted -> proven(
                ScramKeys.fromSaltedPassword(salted), withoutProof, authMessage));
    }

    private byte[] proven(ScramKeys keys, String withoutProof, String authMessage) {
        byte[] signature = ScramSecret.hmac(ScramSecret.sha256(keys.clientKey()), authMessage);
        expectedServerSignature = ScramSecret.hmac(keys.serverKey(), authMessage);
        String proof = Base64.getEncoder().encodeToString(KeyDerivation.xor(keys.clientKey(), signature));
        return (withoutProof + ",p=" + proof).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether server-final-message proves the server knows the verifier (it authenticates the server to us). */
    public boolean serverFinalValid(String serverFinal) {
        if (expectedServerSignature == null || !serverFinal.startsWith("v=")) {
            return false;
        }
        return MessageDigest.isEqual(expectedServerSignature, Base64.getDecoder().decode(serverFinal.substring(2)));
    }
}
