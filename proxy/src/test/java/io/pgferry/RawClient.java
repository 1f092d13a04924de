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
    /** The BackendKeyData body (process id, secret) of the login, once {@link #trusted} has read it. */
    private byte[] backendKey;

    public record Message(char type, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8).replace("\0", " ").trim();
        }

        /** The SQLSTATE of an ErrorResponse or NoticeResponse. */
        public String sqlState() {
            return field('C');
        }

        /** The non-localized severity of an ErrorResponse or NoticeResponse. */
        public String severity() {
            return field('V');
        }

        private String field(char code) {
            String[] fields = new String(body, StandardCharsets.UTF_8).split("\0");
            for (String field : fields) {
                if (!field.isEmpty() && field.charAt(0) == code) {
                    return field.substring(1);
                }
            }
            return "";
        }
    }

    public RawClient(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** A client on a socket the caller opened (a TLS socket, say). */
    public RawClient(Socket connected) throws IOException {
        socket = connected;
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

    public static byte[] parse(String name, String sql, int... typeOids) {
        ByteBuffer body = ByteBuffer.allocate(1024 + sql.length() * 4);
        body.put(cStrings(name, sql)).putShort((short) typeOids.length);
        for (int oid : typeOids) {
            body.putInt(oid);
        }
        return typed('P', java.util.Arrays.copyOf(body.array(), body.position()));
    }

    /** Bind with text-format parameters and results. */
    public static byte[] bind(String portal, String statement, String... parameters) {
        ByteBuffer body = ByteBuffer.allocate(1024);
        body.put(cStrings(portal, statement)).putShort((short) 0).putShort((short) parameters.length);
        for (String parameter : parameters) {
            byte[] value = parameter.getBytes(StandardCharsets.UTF_8);
            body.putInt(value.length).put(value);
        }
        body.putShort((short) 0);
        return typed('B', java.util.Arrays.copyOf(body.array(), body.position()));
    }

    public static byte[] describe(char target, String name) {
        return typed('D', concat(new byte[] {(byte) target}, cStrings(name)));
    }

    public static byte[] close(char target, String name) {
        return typed('C', concat(new byte[] {(byte) target}, cStrings(name)));
    }

    public static byte[] execute(String portal, int maxRows) {
        return typed('E', concat(cStrings(portal), ByteBuffer.allocate(4).putInt(maxRows).array()));
    }

    public static byte[] sync() {
        return typed('S', new byte[0]);
    }

    public static byte[] flush() {
        return typed('H', new byte[0]);
    }

    public static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Reads replies until {@code readyForQueries} ReadyForQuery messages have arrived and renders them as a
     * transcript comparable between servers: types, data rows, command tags, SQLSTATEs and transaction status.
     */
    public String transcript(int readyForQueries) throws IOException {
        StringBuilder out = new StringBuilder();
        int seen = 0;
        while (seen < readyForQueries) {
            Message message = read();
            switch (message.type()) {
                case 'Z' -> {
                    seen++;
                    out.append("Z(").append((char) message.body()[0]).append(") ");
                }
                case 'E' -> out.append("E(").append(message.sqlState()).append(") ");
                case 'C' -> out.append("C(").append(message.text().replace("\0", "").trim()).append(") ");
                case 'D' -> out.append("D(").append(dataRow(message.body())).append(") ");
                case 'N', 'S' -> { }
                default -> out.append(message.type()).append(' ');
            }
        }
        return out.toString().trim();
    }

    private static String dataRow(byte[] body) {
        ByteBuffer row = ByteBuffer.wrap(body);
        int columns = row.getShort();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < columns; i++) {
            int length = row.getInt();
            if (i > 0) {
                out.append(',');
            }
            if (length < 0) {
                out.append("NULL");
            } else {
                byte[] value = new byte[length];
                row.get(value);
                out.append(new String(value, StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    /** Connects and logs in with trust authentication, then reads up to the first ReadyForQuery. */
    public static RawClient trusted(int port, String user, String database) throws IOException {
        RawClient client = new RawClient(port);
        client.send(startup("user", user, "database", database));
        Message message;
        do {
            message = client.read();
            if (message.type() == 'E') {
                throw new IOException("login failed: " + message.text());
            }
            if (message.type() == 'K') {
                client.backendKey = message.body();
            }
        } while (message.type() != 'Z');
        return client;
    }

    /** Sends a CancelRequest with this client's BackendKeyData on a connection of its own, as libpq does. */
    public void cancel(int port) throws IOException {
        try (Socket canceller = new Socket("127.0.0.1", port)) {
            canceller.getOutputStream().write(ByteBuffer.allocate(16).putInt(16).putInt(80877102).put(backendKey).array());
            canceller.getOutputStream().flush();
            canceller.setSoTimeout(20_000);
            canceller.getInputStream().read();
        }
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
