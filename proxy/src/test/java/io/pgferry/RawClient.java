package io.pgferry;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking protocol client for tests that must send exact (or deliberately broken) bytes and read
 * the exact replies. Reads whole messages as (type, body) pairs.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public record Message(char type, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The SQLSTATE of an ErrorResponse or NoticeResponse. */
        public String sqlState() {
            String[] fields = text().split("\0");
            for (String field : fields) {
                if (field.startsWith("C")) {
                    return field.substring(1);
                }
            }
            return "";
        }
    }

    public RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public static byte[] startup(String... parameters) {
        ByteBuffer body = ByteBuffer.allocate(1024).putInt(0).putInt(196608);
        for (String parameter : parameters) {
            body.put(parameter.getBytes(StandardCharsets.UTF_8)).put((byte) 0);
        }
        body.put((byte) 0);
        body.putInt(0, body.position());
        byte[] bytes = new byte[body.position()];
        body.flip().get(bytes);
        return bytes;
    }

    public static byte[] typed(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    public static byte[] cStrings(String... strings) {
        StringBuilder text = new StringBuilder();
        for (String s : strings) {
            text.append(s).append('\0');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] query(String sql) {
        return typed('Q', cStrings(sql));
    }

    public int readByte() throws IOException {
        return in.read();
    }

    public Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    /** Reads until a message of {@code type} arrives; returns it. */
    public Message readUntil(char type) throws IOException {
        Message message;
        do {
            message = read();
        } while (message.type() != type);
        return message;
    }

    /** Whether the peer closed the connection (read returns end of stream). */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
