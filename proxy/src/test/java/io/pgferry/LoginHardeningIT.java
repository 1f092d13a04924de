package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an unauthenticated client can make pgferry do (issue 22, items 2, 3, 6 and 8): every bad message during
 * login is refused at once with 08P01, before pgferry buffers what it claims, and connections that never finish
 * their login cannot keep others out. The login timeout is long, so an answer that waits for it fails the test.
 */
@ExtendWith(PostgresExtension.class)
class LoginHardeningIT {
    private static TestProxy proxy;

    @BeforeAll
    static void start(PostgresServer server) {
        proxy = TestProxy.start(server, "pgferry { client-login-timeout = 60s, max-client-connections = 10 }");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    /** Sends alice's StartupMessage and reads AuthenticationSASL. */
    private static RawClient atScramStart() throws IOException {
        RawClient client = new RawClient(proxy.port());
        client.send(RawClient.startup("user", TestProxy.APP_USER, "database", "app"));
        RawClient.Message sasl = client.read();
        assertEquals('R', sasl.type());
        assertEquals(10, ByteBuffer.wrap(sasl.body()).getInt(), "AuthenticationSASL");
        return client;
    }

    private static void assertRefused(RawClient client, String messagePart) throws IOException {
        RawClient.Message error = client.read();
        assertEquals('E', error.type(), error.text());
        assertEquals("08P01", error.sqlState(), error.text());
        assertTrue(error.text().contains(messagePart), error.text());
        assertTrue(client.closedByPeer());
    }

    @Test
    void aSaslLengthNearTwoGigabytesIsRefusedAtOnce() throws Exception {
        try (RawClient client = atScramStart()) {
            byte[] mechanism = RawClient.cStrings("SCRAM-SHA-256");
            byte[] body = ByteBuffer.allocate(mechanism.length + 4 + 8).put(mechanism).putInt(0x7FFFFFF0)
                    .put("n,,n=,r=".getBytes(StandardCharsets.US_ASCII)).array();
            client.send(RawClient.typed('p', body));
            assertRefused(client, "invalid SASLInitialResponse length");
        }
    }

    @Test
    void aPasswordMessageClaimingMegabytesIsRefusedBeforeItArrives() throws Exception {
        try (RawClient client = atScramStart()) {
            client.send(ByteBuffer.allocate(5).put((byte) 'p').putInt(250_000_000).array());
            assertRefused(client, "exceeds the limit of 65535 bytes");
        }
    }

    @Test
    void aSecondStartupMessageDuringScramIsRefusedAtItsFirstByte() throws Exception {
        try (RawClient client = atScramStart()) {
            client.send(RawClient.startup("user", "postgres", "database", "app"));
            assertRefused(client, "expected password response, got message type 0");
        }
    }

    @Test
    void anSslRequestDuringScramIsRefusedAtOnce() throws Exception {
        try (RawClient client = atScramStart()) {
            client.send(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
            assertRefused(client, "expected password response");
        }
    }

    @Test
    void aLoggedInClientsUnknownMessageTypeIsRefusedAtOnce() throws Exception {
        try (RawClient client = RawClient.trusted(proxy.port(), "trust_user", "app")) {
            client.send(new byte[] {'z', 0, 1, 0, 0});
            assertRefused(client, "invalid frontend message type 122");
        }
    }

    /** Thirty connections that never send their startup, with room for ten clients: logins still succeed. */
    @Test
    void halfOpenConnectionsDoNotKeepLoginsOut() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                idle.add(new Socket("127.0.0.1", proxy.port()));
            }
            for (int i = 0; i < 3; i++) {
                try (Connection connection = proxy.connectApp()) {
                    assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"));
                }
            }
            // Ten may be logging in at once: the twenty oldest made room as the later ones came.
            for (Socket socket : idle.subList(0, 20)) {
                socket.setSoTimeout(10_000);
                assertEquals('E', socket.getInputStream().read(), "the oldest unfinished logins were dropped");
            }
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }
}
