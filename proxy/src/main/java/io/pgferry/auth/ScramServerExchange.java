package io.pgferry.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * The server side of one SCRAM-SHA-256 exchange with a client (RFC 5802), without channel binding (pgferry does
 * not offer SCRAM-SHA-256-PLUS, as PgBouncer does not). Verifying costs two HMACs and a hash, cheap enough for
 * the event loop. For an unknown user the exchange runs against a mock secret and always fails, so a client
 * cannot tell unknown users from wrong passwords. Confined to one client's event loop.
 */
public final class ScramServerExchange {
    public static final String MECHANISM = "SCRAM-SHA-256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramSecret secret;
    private final boolean mock;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;

    private ScramServerExchange(ScramSecret secret, boolean mock) {
        this.secret = secret;
        this.mock = mock;
    }

    public static ScramServerExchange forSecret(ScramSecret secret) {
        return new ScramServerExchange(secret, false);
    }

    /** A convincing exchange for a user that does not exist: a stable per-user salt, a proof that never matches. */
    public static ScramServerExchange mock(String user, byte[] serverSecret) {
        byte[] salt = java.util.Arrays.copyOf(ScramSecret.hmac(serverSecret, user), 16);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return new ScramServerExchange(new ScramSecret(ScramSecret.DEFAULT_ITERATIONS, salt, random, random), true);
    }

    /** Answers client-first-message with server-first-message. */
    public String serverFirst(String clientFirst) {
        int firstComma = clientFirst.indexOf(',');
        int secondComma = firstComma < 0 ? -1 : clientFirst.indexOf(',', firstComma + 1);
        if (secondComma < 0 || !(clientFirst.startsWith("n,") || clientFirst.startsWith("y,"))) {
            throw new AuthenticationFailure("malformed SCRAM client-first-message or unsupported channel binding");
        }
        gs2Header = clientFirst.substring(0, secondComma + 1);
        clientFirstBare = clientFirst.substring(secondComma + 1);
        String clientNonce = attribute(clientFirstBare, 'r');
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        nonce = clientNonce + Base64.getEncoder().encodeToString(random);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(secret.salt()) + ",i="
                + secret.iterations();
        return serverFirst;
    }

    /** Checks client-final-message; returns server-final-message when the proof is right. */
    public Optional<String> serverFinal(String clientFinal) {
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (serverFirst == null || proofAt < 0) {
            throw new AuthenticationFailure("malformed SCRAM client-final-message");
        }
        String withoutProof = clientFinal.substring(0, proofAt);
        String binding = new String(Base64.getDecoder().decode(attribute(withoutProof, 'c')), StandardCharsets.UTF_8);
        if (!binding.equals(gs2Header) || !nonce.equals(attribute(withoutProof, 'r'))) {
            throw new AuthenticationFailure("SCRAM channel binding or nonce mismatch");
        }
        byte[] proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientSignature = ScramSecret.hmac(secret.storedKey(), authMessage);
        if (proof.length != clientSignature.length || mock) {
            return Optional.empty();
        }
        byte[] clientKey = KeyDerivation.xor(proof, clientSignature);
        if (!MessageDigest.isEqual(ScramSecret.sha256(clientKey), secret.storedKey())) {
            return Optional.empty();
        }
        return Optional.of("v=" + Base64.getEncoder().encodeToString(ScramSecret.hmac(secret.serverKey(), authMessage)));
    }

    static String attribute(String message, char name) {
        for (String part : message.split(",")) {
            if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
                return part.substring(2);
            }
        }
        throw new AuthenticationFailure("SCRAM message lacks attribute " + name);
    }
}
