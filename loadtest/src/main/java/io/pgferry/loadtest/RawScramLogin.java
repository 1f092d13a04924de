package io.pgferry.loadtest;

import io.pgferry.auth.KeyDerivation;
import io.pgferry.auth.ScramClientExchange;
import io.pgferry.auth.ScramKeys;
import io.pgferry.loadtest.edge.Wire;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * SCRAM-SHA-256 logins written message by message, to time the server's side of a login (its waits only) or to
 * log in many times a second with keys derived once, so the client's PBKDF2 does not bound the rate.
 */
final class RawScramLogin {
    private RawScramLogin() {
    }

    /** One SCRAM login with a wrong password; returns the nanoseconds spent waiting for the server. */
    static long failedLogin(InetSocketAddress address, String user, KeyDerivation keys) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(address, 10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            long sent = System.nanoTime();
            send(out, Wire.startup(Map.of("user", user, "database", "app")));
            expectAuthentication(in, 10);
            long waited = System.nanoTime() - sent;
            ScramClientExchange scram = new ScramClientExchange("wrong-secret", keys);
            sent = System.nanoTime();
            send(out, Wire.saslInitialResponse("SCRAM-SHA-256", scram.clientFirst()));
            String serverFirst = new String(expectAuthentication(in, 11), StandardCharsets.UTF_8);
            waited += System.nanoTime() - sent;
            byte[] clientFinal = Wire.saslResponse(scram.clientFinal(serverFirst).join());
            sent = System.nanoTime();
            send(out, clientFinal);
            String code = errorCode(in);
            waited += System.nanoTime() - sent;
            if (!"28P01".equals(code)) {
                throw new IllegalStateException(user + "'s failed login ended with " + code + ", not 28P01");
            }
            return waited;
        }
    }

    /** One login with {@code keys} (no PBKDF2) up to ReadyForQuery, then Terminate. */
    static void login(InetSocketAddress address, String user, String database, ScramKeys keys) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(address, 10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            send(out, Wire.startup(Map.of("user", user, "database", database)));
            expectAuthentication(in, 10);
            ScramClientExchange scram = new ScramClientExchange(keys);
            send(out, Wire.saslInitialResponse("SCRAM-SHA-256", scram.clientFirst()));
            String serverFirst = new String(expectAuthentication(in, 11), StandardCharsets.UTF_8);
            send(out, Wire.saslResponse(scram.clientFinal(serverFirst).join()));
            while (true) {
                int type = in.readUnsignedByte();
                byte[] body = new byte[in.readInt() - 4];
                in.readFully(body);
                if (type == 'E') {
                    throw new IOException(user + "'s login failed: " + new String(body, StandardCharsets.UTF_8));
                }
                if (type == 'Z') {
                    break;
                }
            }
            send(out, Wire.terminate());
        }
    }

    private static void send(OutputStream out, byte[] message) throws IOException {
        out.write(message);
        out.flush();
    }

    /** Reads an Authentication message with {@code code}; returns what follows the code. */
    private static byte[] expectAuthentication(DataInputStream in, int code) throws IOException {
        int type = in.readUnsignedByte();
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        if (type != 'R' || ByteBuffer.wrap(body).getInt() != code) {
            throw new IllegalStateException("expected AuthenticationSASL step " + code + ", got '" + (char) type
                    + "': " + new String(body, StandardCharsets.UTF_8));
        }
        return Arrays.copyOfRange(body, 4, body.length);
    }

    /** The SQLSTATE of the ErrorResponse that must come next. */
    private static String errorCode(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        byte[] body = new byte[in.readInt() - 4];
        in.readFully(body);
        if (type != 'E') {
            throw new IllegalStateException("expected an ErrorResponse, got '" + (char) type + "'");
        }
        for (String field : new String(body, StandardCharsets.UTF_8).split("\0")) {
            if (field.startsWith("C")) {
                return field.substring(1);
            }
        }
        return null;
    }
}
