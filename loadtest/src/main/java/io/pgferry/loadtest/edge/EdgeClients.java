package io.pgferry.loadtest.edge;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The two edge protocols as a worker's runtime speaks them, over plain blocking sockets so that every round trip
 * is one the protocol needs: {@code POST /sql} on a kept-alive HTTPS connection, and a new WebSocket per request
 * whose first frame carries the startup, the cleartext password and the query (the driver's pipelined connect).
 */
public final class EdgeClients {
    private EdgeClients() {
    }

    /** A kept-alive HTTPS connection sending {@code POST /sql} requests. One thread uses it at a time. */
    public static final class SqlOverHttp implements Closeable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String connectionString;

        /** {@code tls}: HTTPS (the certificate is not checked: the load tool only talks to 127.0.0.1). */
        public SqlOverHttp(InetSocketAddress address, boolean tls, String connectionString) throws IOException {
            Socket plain = new Socket();
            plain.setTcpNoDelay(true);
            plain.connect(address, 10_000);
            socket = tls ? TlsUpgrade.direct(plain) : plain;
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            this.connectionString = connectionString;
        }

        /** Runs {@code sql} with text parameters; fails unless the answer is a 200. */
        public void query(String sql, String... params) throws IOException {
            StringBuilder json = new StringBuilder("{\"query\":\"").append(sql).append("\",\"params\":[");
            for (int i = 0; i < params.length; i++) {
                json.append(i == 0 ? "\"" : ",\"").append(params[i]).append('"');
            }
            byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            out.write(("POST /sql HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length
                    + "\r\nNeon-Connection-String: " + connectionString + "\r\nNeon-Array-Mode: true\r\n"
                    + "Neon-Raw-Text-Output: true\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + head);
            }
            String lower = head.toLowerCase(Locale.ROOT);
            int at = lower.indexOf("content-length: ") + "content-length: ".length();
            in.readNBytes(Integer.parseInt(lower.substring(at, lower.indexOf("\r\n", at)).trim()));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * One request as a worker with a fresh WebSocket makes it: TCP, TLS, the upgrade, then one frame with the
     * startup, password and {@code method}'s single flight; reads until the query's ReadyForQuery.
     */
    public static void webSocketRequest(InetSocketAddress address, boolean tls, String user, String password,
                                        String database, QueryMethod method) throws IOException {
        if (method.flights().size() != 1) {
            throw new IllegalArgumentException(method.label() + " needs more than one flight");
        }
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(address, 10_000);
        try (Socket socket = tls ? TlsUpgrade.direct(plain) : plain) {
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16384));
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            out.write(("GET /v2 HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + java.util.Base64.getEncoder().encodeToString(key) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(in);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("upgrade refused: " + head);
            }
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            first.writeBytes(Wire.startup(Map.of("user", user, "database", database)));
            byte[] secret = (password + "\0").getBytes(StandardCharsets.UTF_8);
            first.writeBytes(ByteBuffer.allocate(5 + secret.length).put((byte) 'p').putInt(4 + secret.length)
                    .put(secret).array());
            method.flights().get(0).forEach(first::writeBytes);
            out.write(maskedBinaryFrame(first.toByteArray()));
            out.flush();
            readUntilReadyForQueries(in, 2);
        }
    }

    /** A client-to-server binary frame, masked as RFC 6455 requires of clients. */
    private static byte[] maskedBinaryFrame(byte[] payload) {
        ByteBuffer frame = ByteBuffer.allocate(14 + payload.length).put((byte) 0x82);
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.put(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ mask[i & 3]));
        }
        return java.util.Arrays.copyOf(frame.array(), frame.position());
    }

    /** Reads server frames (unmasked) as one PostgreSQL byte stream until {@code count} ReadyForQuery messages. */
    private static void readUntilReadyForQueries(DataInputStream in, int count) throws IOException {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int parsed = 0;
        int seen = 0;
        while (seen < count) {
            int opcode = in.readUnsignedByte() & 0x0F;
            int length = in.readUnsignedByte() & 0x7F;
            long size = length == 126 ? in.readUnsignedShort() : length == 127 ? in.readLong() : length;
            byte[] payload = in.readNBytes((int) size);
            if (opcode == 8) {
                throw new IOException("the server closed the WebSocket");
            }
            stream.writeBytes(payload);
            byte[] bytes = stream.toByteArray();
            while (bytes.length - parsed >= 5) {
                int messageLength = ByteBuffer.wrap(bytes, parsed + 1, 4).getInt();
                if (bytes.length - parsed < 1 + messageLength) {
                    break;
                }
                if (bytes[parsed] == 'E') {
                    throw new IOException("error: " + new String(bytes, parsed + 5, messageLength - 4,
                            StandardCharsets.UTF_8));
                }
                seen += bytes[parsed] == 'Z' ? 1 : 0;
                parsed += 1 + messageLength;
            }
        }
    }

    /** An HTTP response's status line and headers, up to the blank line. */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
            int next = in.read();
            if (next < 0) {
                throw new IOException("connection closed mid-response: " + head);
            }
            head.append((char) next);
        }
        return head.toString();
    }
}
