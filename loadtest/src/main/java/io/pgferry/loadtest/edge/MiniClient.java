package io.pgferry.loadtest.edge;

import io.pgferry.auth.KeyDerivation;
import io.pgferry.auth.ScramClientExchange;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A minimal blocking PostgreSQL client that sends exactly the messages of a {@link QueryMethod}, so the round
 * trips of each method are known. It logs in with SCRAM-SHA-256 (or cleartext/trust), optionally over TLS, which
 * it does not verify: it only ever talks to 127.0.0.1 in the load test. One thread uses it at a time.
 */
final class MiniClient implements Closeable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private int flights;

    private MiniClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 16384));
    }

    /** Connects, negotiates TLS if asked, and logs in; returns once the server is ready for a query. */
    static MiniClient connect(InetSocketAddress address, String user, String password, String database, boolean tls,
                              KeyDerivation keys) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(address, 10_000);
        MiniClient client = new MiniClient(tls ? TlsUpgrade.upgrade(plain) : plain);
        client.login(user, password, database, keys);
        return client;
    }

    /**
     * Direct TLS (no SSLRequest), then, with {@code pipelineLogin}, the startup, a cleartext password and
     * {@code method}'s single flight in one write, for a server that asks for the password in cleartext inside
     * TLS; without it, the usual login. Returns a client whose first request has run when the login was pipelined.
     */
    static MiniClient connectDirectTls(InetSocketAddress address, String user, String password, String database,
                                       KeyDerivation keys, QueryMethod pipelineLogin) throws IOException {
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(address, 10_000);
        MiniClient client = new MiniClient(TlsUpgrade.direct(plain));
        if (pipelineLogin == null) {
            client.login(user, password, database, keys);
            return client;
        }
        client.out.write(Wire.startup(Map.of("user", user, "database", database)));
        client.out.write(passwordMessage(password));
        for (byte[] message : pipelineLogin.flights().get(0)) {
            client.out.write(message);
        }
        client.out.flush();
        client.flights++;
        client.login(user, password, database, keys, false);
        client.readReplies();
        return client;
    }

    private void login(String user, String password, String database, KeyDerivation keys) throws IOException {
        out.write(Wire.startup(Map.of("user", user, "database", database)));
        out.flush();
        login(user, password, database, keys, true);
    }

    /** Answers authentication requests until ReadyForQuery; a password already sent is not sent again. */
    private void login(String user, String password, String database, KeyDerivation keys, boolean answerCleartext)
            throws IOException {
        ScramClientExchange scram = null;
        while (true) {
            int type = in.readUnsignedByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            switch (type) {
                case 'R' -> {
                    int code = java.nio.ByteBuffer.wrap(body).getInt();
                    if (code == 10) {
                        scram = new ScramClientExchange(password, keys);
                        out.write(Wire.saslInitialResponse("SCRAM-SHA-256", scram.clientFirst()));
                    } else if (code == 11) {
                        String serverFirst = new String(body, 4, body.length - 4, StandardCharsets.UTF_8);
                        out.write(Wire.saslResponse(scram.clientFinal(serverFirst).join()));
                    } else if (code == 3 && answerCleartext) {
                        out.write(passwordMessage(password));
                    } else if (code != 0 && code != 3 && code != 12) {
                        throw new IOException("unsupported authentication request " + code);
                    }
                    out.flush();
                }
                case 'E' -> throw new IOException("login failed: " + errorText(body));
                case 'Z' -> {
                    return;
                }
                default -> { }
            }
        }
    }

    private static byte[] passwordMessage(String password) {
        byte[] text = (password + "\0").getBytes(StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(5 + text.length).put((byte) 'p').putInt(4 + text.length).put(text).array();
    }

    /** Runs one request; returns the rows it got. Throws if the server answered with an error. */
    int run(QueryMethod method) throws IOException {
        int rows = 0;
        for (List<byte[]> flight : method.flights()) {
            for (byte[] message : flight) {
                out.write(message);
            }
            out.flush();
            flights++;
            rows += readReplies();
        }
        return rows;
    }

    /** Reads one flight's replies up to ReadyForQuery; returns the rows; throws if the server sent an error. */
    private int readReplies() throws IOException {
        int rows = 0;
        String error = null;
        while (true) {
            int type = in.readUnsignedByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (type == 'D') {
                rows++;
            } else if (type == 'E') {
                error = errorText(body);
            } else if (type == 'Z') {
                break;
            }
        }
        if (error != null) {
            throw new IOException(error);
        }
        return rows;
    }

    /** Flights written so far: each one is a round trip. */
    int flights() {
        return flights;
    }

    private static String errorText(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        for (String field : text.split("\0")) {
            if (field.startsWith("M")) {
                return field.substring(1);
            }
        }
        return text;
    }

    @Override
    public void close() throws IOException {
        try {
            out.write(Wire.terminate());
            out.flush();
        } finally {
            socket.close();
        }
    }
}
