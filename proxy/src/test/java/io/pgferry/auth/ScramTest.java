package io.pgferry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import io.pgferry.CpuWorkers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ScramTest {
    private static final CpuWorkers WORKERS = new CpuWorkers(1);
    private static final KeyDerivation KDF = new KeyDerivation(WORKERS);

    @AfterAll
    static void close() {
        WORKERS.close();
    }

    /** RFC 7677 section 3: user "user", password "pencil", salt and nonces as given there. */
    @Test
    void rfc7677VectorDerivesTheSameKeys() {
        byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        byte[] salted = ScramSecret.saltedPassword("pencil", salt, 4096);
        ScramSecret secret = ScramSecret.fromSaltedPassword(salted, salt, 4096);
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        byte[] clientKey = ScramSecret.hmac(salted, "Client Key");
        byte[] proof = KeyDerivation.xor(clientKey, ScramSecret.hmac(secret.storedKey(), authMessage));
        assertEquals("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", Base64.getEncoder().encodeToString(proof));
        assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
                Base64.getEncoder().encodeToString(ScramSecret.hmac(secret.serverKey(), authMessage)));
    }

    @Test
    void clientAndServerExchangesAgree() throws Exception {
        ScramSecret secret = ScramSecret.derive("s3cret");
        ScramServerExchange server = ScramServerExchange.forSecret(secret, null);
        ScramClientExchange client = new ScramClientExchange("s3cret", KDF);
        String serverFirst = server.serverFirst(ScramServerExchange.MECHANISM, new String(client.clientFirst(), StandardCharsets.UTF_8));
        String clientFinal = new String(client.clientFinal(serverFirst).get(), StandardCharsets.UTF_8);
        Optional<String> serverFinal = server.serverFinal(clientFinal);
        assertTrue(serverFinal.isPresent());
        assertTrue(client.serverFinalValid(serverFinal.get()));
    }

    @Test
    void wrongPasswordAndUnknownUserFail() throws Exception {
        ScramServerExchange server = ScramServerExchange.forSecret(ScramSecret.derive("right"), null);
        ScramClientExchange client = new ScramClientExchange("wrong", KDF);
        String serverFirst = server.serverFirst(ScramServerExchange.MECHANISM, new String(client.clientFirst(), StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), server.serverFinal(new String(client.clientFinal(serverFirst).get(), StandardCharsets.UTF_8)));

        ScramServerExchange mock = ScramServerExchange.mock("nobody", new byte[32], null);
        ScramClientExchange guesser = new ScramClientExchange("guess", KDF);
        String mockFirst = mock.serverFirst(ScramServerExchange.MECHANISM, new String(guesser.clientFirst(), StandardCharsets.UTF_8));
        String again = ScramServerExchange.mock("nobody", new byte[32], null).serverFirst(ScramServerExchange.MECHANISM, "n,,n=,r=abc");
        assertEquals(ScramServerExchange.attribute(mockFirst, 's'), ScramServerExchange.attribute(again, 's'),
                "an unknown user's salt is stable, like a real one");
        assertEquals(Optional.empty(), mock.serverFinal(new String(guesser.clientFinal(mockFirst).get(), StandardCharsets.UTF_8)));
    }

    @Test
    void channelBindingIsRefusedWithoutTls() {
        ScramServerExchange server = ScramServerExchange.forSecret(ScramSecret.derive("x"), null);
        assertEquals(java.util.List.of(ScramServerExchange.MECHANISM), server.mechanisms());
        assertThrows(io.pgferry.protocol.ProtocolViolation.class,
                () -> server.serverFirst(ScramServerExchange.MECHANISM, "p=tls-server-end-point,,n=,r=abc"));
        assertThrows(io.pgferry.protocol.ProtocolViolation.class,
                () -> server.serverFirst(ScramServerExchange.MECHANISM_PLUS, "p=tls-server-end-point,,n=,r=abc"));
    }

    /** Over TLS: SCRAM-SHA-256-PLUS binds the proof to the certificate's hash; a wrong hash or a downgrade fails. */
    @Test
    void channelBindingChecksTheCertificateHashAndRefusesADowngrade() {
        byte[] binding = ScramSecret.sha256(new byte[] {1, 2, 3});
        ScramSecret secret = ScramSecret.derive("pw");
        ScramServerExchange server = ScramServerExchange.forSecret(secret, binding);
        assertEquals(java.util.List.of(ScramServerExchange.MECHANISM_PLUS, ScramServerExchange.MECHANISM),
                server.mechanisms());
        String header = "p=tls-server-end-point,,";
        String bare = "n=,r=clientnonce";
        String serverFirst = server.serverFirst(ScramServerExchange.MECHANISM_PLUS, header + bare);
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        byte[] bound = java.util.Arrays.copyOf(headerBytes, headerBytes.length + binding.length);
        System.arraycopy(binding, 0, bound, headerBytes.length, binding.length);
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(bound) + ",r="
                + ScramServerExchange.attribute(serverFirst, 'r');
        byte[] salted = ScramSecret.saltedPassword("pw", secret.salt(), secret.iterations());
        byte[] clientKey = ScramSecret.hmac(salted, "Client Key");
        byte[] signature = ScramSecret.hmac(secret.storedKey(), bare + "," + serverFirst + "," + withoutProof);
        String proof = Base64.getEncoder().encodeToString(KeyDerivation.xor(clientKey, signature));
        assertTrue(server.serverFinal(withoutProof + ",p=" + proof).isPresent(), "bound to the right certificate");

        ScramServerExchange other = ScramServerExchange.forSecret(secret, binding);
        String otherFirst = other.serverFirst(ScramServerExchange.MECHANISM_PLUS, header + bare);
        String unbound = "c=" + Base64.getEncoder().encodeToString(headerBytes) + ",r="
                + ScramServerExchange.attribute(otherFirst, 'r') + ",p=" + proof;
        assertThrows(io.pgferry.protocol.ProtocolViolation.class, () -> other.serverFinal(unbound),
                "a relay's certificate hash (here: none) does not match");
        assertThrows(io.pgferry.protocol.ProtocolViolation.class, () -> ScramServerExchange.forSecret(secret, binding)
                .serverFirst(ScramServerExchange.MECHANISM, "y,,n=,r=abc"), "y while PLUS was offered: a downgrade");
    }

    @Test
    void verifierTextRoundTrips() {
        ScramSecret secret = ScramSecret.derive("pw");
        ScramSecret parsed = ScramSecret.parse(secret.toString());
        assertEquals(secret.toString(), parsed.toString());
        assertThrows(IllegalArgumentException.class, () -> ScramSecret.parse("SCRAM-SHA-256$x"));
    }

    @Test
    void md5MatchesPostgresFormat() {
        // md5('secret' || 'alice') as PostgreSQL stores it.
        assertEquals("md5" + java.util.HexFormat.of().formatHex(md5("secretalice")), Md5Password.stored("alice", "secret"));
        assertEquals(35, Md5Password.response(Md5Password.stored("alice", "secret"), new byte[] {1, 2, 3, 4}).length());
    }

    private static byte[] md5(String text) {
        try {
            return java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Issue 22.7: what RFC 5802 and PostgreSQL refuse in client-first-message is a protocol violation. */
    @Test
    void aMalformedClientFirstMessageIsAProtocolViolation() {
        String longNonce = "x".repeat(257);
        for (String clientFirst : new String[] {"n,a=admin,n=,r=abc",
                "n,,n=,r=ab\u0001c", "n,,n=,r=" + longNonce, "n,,n=,r=", "n,,r=abc", "x,,n=,r=abc", "n,"}) {
            ScramServerExchange server = ScramServerExchange.forSecret(ScramSecret.derive("s3cret"), null);
            assertThrows(io.pgferry.protocol.ProtocolViolation.class, () -> server.serverFirst(ScramServerExchange.MECHANISM, clientFirst), clientFirst);
        }
    }

    @Test
    void aNonceThatDoesNotExtendOursOrBadBase64IsAProtocolViolation() {
        ScramServerExchange server = ScramServerExchange.forSecret(ScramSecret.derive("s3cret"), null);
        String serverFirst = server.serverFirst(ScramServerExchange.MECHANISM, "n,,n=,r=abc");
        String nonce = ScramServerExchange.attribute(serverFirst, 'r');
        String proof = Base64.getEncoder().encodeToString(new byte[32]);
        for (String clientFinal : new String[] {"c=biws,r=abcOTHER,p=" + proof, "c=biws,r=" + nonce + ",p=%%%",
                "c=eSws,r=" + nonce + ",p=" + proof, "c=biws,p=" + proof, "r=" + nonce + ",c=biws,p=" + proof}) {
            assertThrows(io.pgferry.protocol.ProtocolViolation.class, () -> server.serverFinal(clientFinal), clientFinal);
        }
    }
}
