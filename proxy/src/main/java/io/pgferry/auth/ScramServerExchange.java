package io.pgferry.auth;

import io.pgferry.protocol.ProtocolViolation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The server side of one SCRAM-SHA-256 exchange with a client (RFC 5802), with SCRAM-SHA-256-PLUS and
 * {@code tls-server-end-point} channel binding offered over TLS (libpq's {@code channel_binding=require}, which
 * PgBouncer cannot serve). Verifying costs two HMACs and a hash, cheap enough for the event loop. For an unknown user the exchange runs against a mock secret and always fails, so a client
 * cannot tell unknown users from wrong passwords. Confined to one client's event loop.
 */
public final class ScramServerExchange {
    public static final String MECHANISM = "SCRAM-SHA-256";
    public static final String MECHANISM_PLUS = "SCRAM-SHA-256-PLUS";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Clients send 18 to 32 random bytes in base64; far longer is an attempt to make the server echo garbage. */
    private static final int MAX_NONCE_LENGTH = 256;

    private final ScramSecret secret;
    private final boolean mock;
    /** The channel's binding data (TLS), or {@code null}: then PLUS is not offered. */
    private final byte[] channelBinding;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private ScramKeys revealed;

    private ScramServerExchange(ScramSecret secret, boolean mock, byte[] channelBinding) {
        this.secret = secret;
        this.mock = mock;
        this.channelBinding = channelBinding;
    }

    /** {@code channelBinding}: the TLS channel's {@link ChannelBinding} data, or {@code null} without TLS. */
    public static ScramServerExchange forSecret(ScramSecret secret, byte[] channelBinding) {
        return new ScramServerExchange(secret, false, channelBinding);
    }

    /** A convincing exchange for a user that does not exist: a stable per-user salt, a proof that never matches. */
    public static ScramServerExchange mock(String user, byte[] serverSecret, byte[] channelBinding) {
        byte[] salt = java.util.Arrays.copyOf(ScramSecret.hmac(serverSecret, user), 16);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return new ScramServerExchange(new ScramSecret(ScramSecret.DEFAULT_ITERATIONS, salt, random, random), true,
                channelBinding);
    }

    /** The mechanisms to offer, PLUS first (as PostgreSQL orders them) when the channel can be bound. */
    public List<String> mechanisms() {
        return channelBinding == null ? List.of(MECHANISM) : List.of(MECHANISM_PLUS, MECHANISM);
    }

    /**
     * Answers client-first-message, for {@code mechanism}, with server-first-message. The message is read as RFC
     * 5802 and PostgreSQL read it: the channel-binding flag must agree with the mechanism and with what was
     * offered (a "y" flag when PLUS was offered means someone removed it on the way), no authorization identity,
     * a printable nonce of sane length.
     */
    public String serverFirst(String mechanism, String clientFirst) {
        boolean plus = mechanism.equals(MECHANISM_PLUS);
        if (plus != clientFirst.startsWith("p=")) {
            throw new ProtocolViolation(plus ? "SCRAM-SHA-256-PLUS selected without channel binding"
                    : "client selected channel binding, but not SCRAM-SHA-256-PLUS");
        }
        if (plus && (channelBinding == null || !clientFirst.startsWith("p=" + ChannelBinding.TYPE + ","))) {
            throw new ProtocolViolation(channelBinding == null ? "SCRAM-SHA-256-PLUS was not offered"
                    : "unsupported SCRAM channel-binding type; " + ChannelBinding.TYPE + " is supported");
        }
        if (clientFirst.startsWith("y,") && channelBinding != null) {
            throw new ProtocolViolation("SCRAM channel binding negotiation error: the client thinks channel binding "
                    + "was not offered, but it was");
        }
        if (!(plus || clientFirst.startsWith("n,") || clientFirst.startsWith("y,"))) {
            throw new ProtocolViolation("malformed SCRAM message: unexpected channel-binding flag");
        }
        int flagEnd = clientFirst.indexOf(',');
        int headerEnd = flagEnd < 0 ? -1 : clientFirst.indexOf(',', flagEnd + 1);
        if (headerEnd < 0) {
            throw new ProtocolViolation("malformed SCRAM message: no client-first-message-bare");
        }
        if (headerEnd > flagEnd + 1) {
            throw new ProtocolViolation("client uses authorization identity, but it is not supported");
        }
        gs2Header = clientFirst.substring(0, headerEnd + 1);
        clientFirstBare = clientFirst.substring(headerEnd + 1);
        String[] parts = clientFirstBare.split(",", -1);
        if (parts.length < 2 || !parts[0].startsWith("n=") || !parts[1].startsWith("r=")) {
            throw new ProtocolViolation("malformed SCRAM message: expected user name and nonce");
        }
        String clientNonce = parts[1].substring(2);
        if (clientNonce.isEmpty() || clientNonce.length() > MAX_NONCE_LENGTH) {
            throw new ProtocolViolation("SCRAM nonce of " + clientNonce.length() + " characters");
        }
        if (!isPrintable(clientNonce)) {
            throw new ProtocolViolation("non-printable characters in SCRAM nonce");
        }
        byte[] random = new byte[18];
        RANDOM.nextBytes(random);
        nonce = clientNonce + Base64.getEncoder().encodeToString(random);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(secret.salt()) + ",i="
                + secret.iterations();
        return serverFirst;
    }

    /** RFC 5802's printable: ASCII 0x21 to 0x7E except the comma. */
    private static boolean isPrintable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    /** Checks client-final-message; returns server-final-message when the proof is right. */
    public Optional<String> serverFinal(String clientFinal) {
        String[] parts = clientFinal.split(",", -1);
        int last = parts.length - 1;
        if (serverFirst == null || parts.length < 3 || !parts[0].startsWith("c=") || !parts[1].startsWith("r=")
                || !parts[last].startsWith("p=")) {
            throw new ProtocolViolation("malformed SCRAM message: expected channel binding, nonce and proof");
        }
        byte[] header = gs2Header.getBytes(StandardCharsets.UTF_8);
        byte[] expected = gs2Header.startsWith("p=") ? concat(header, channelBinding) : header;
        if (!MessageDigest.isEqual(expected, base64(parts[0].substring(2)))) {
            throw new ProtocolViolation("SCRAM channel binding check failed");
        }
        if (!nonce.equals(parts[1].substring(2))) {
            throw new ProtocolViolation("SCRAM nonce mismatch");
        }
        byte[] proof = base64(parts[last].substring(2));
        String withoutProof = clientFinal.substring(0, clientFinal.length() - parts[last].length() - 1);
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientSignature = ScramSecret.hmac(secret.storedKey(), authMessage);
        if (proof.length != clientSignature.length || mock) {
            return Optional.empty();
        }
        byte[] clientKey = KeyDerivation.xor(proof, clientSignature);
        if (!MessageDigest.isEqual(ScramSecret.sha256(clientKey), secret.storedKey())) {
            return Optional.empty();
        }
        revealed = new ScramKeys(clientKey, secret.serverKey());
        return Optional.of("v=" + Base64.getEncoder().encodeToString(ScramSecret.hmac(secret.serverKey(), authMessage)));
    }

    /** After a successful exchange, the keys the client's proof revealed (for SCRAM pass-through); else null. */
    public ScramKeys revealedKeys() {
        return revealed;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] base64(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new ProtocolViolation("malformed SCRAM message: invalid base64");
        }
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
