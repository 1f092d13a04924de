package io.pgferry.loadtest.edge;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Frontend messages of the minimal client, encoded as the protocol reference gives them (version 3.0). */
public final class Wire {
    private Wire() {
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] message(int type, Body body) {
        try {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            body.write(new DataOutputStream(content));
            ByteArrayOutputStream framed = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(framed);
            if (type != 0) {
                out.writeByte(type);
            }
            out.writeInt(content.size() + 4);
            content.writeTo(out);
            return framed.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void cString(DataOutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.writeByte(0);
    }

    public static byte[] startup(Map<String, String> parameters) {
        return message(0, out -> {
            out.writeInt(196608);
            for (Map.Entry<String, String> parameter : parameters.entrySet()) {
                cString(out, parameter.getKey());
                cString(out, parameter.getValue());
            }
            out.writeByte(0);
        });
    }

    static byte[] sslRequest() {
        return message(0, out -> out.writeInt(80877103));
    }

    public static byte[] saslInitialResponse(String mechanism, byte[] data) {
        return message('p', out -> {
            cString(out, mechanism);
            out.writeInt(data.length);
            out.write(data);
        });
    }

    public static byte[] saslResponse(byte[] data) {
        return message('p', out -> out.write(data));
    }

    static byte[] query(String sql) {
        return message('Q', out -> cString(out, sql));
    }

    static byte[] parse(String name, String sql, int[] parameterTypes) {
        return message('P', out -> {
            cString(out, name);
            cString(out, sql);
            out.writeShort(parameterTypes.length);
            for (int type : parameterTypes) {
                out.writeInt(type);
            }
        });
    }

    static byte[] describeStatement(String name) {
        return message('D', out -> {
            out.writeByte('S');
            cString(out, name);
        });
    }

    /** Bind of the unnamed portal with text parameters and text results. */
    static byte[] bind(String statement, String... textParameters) {
        return message('B', out -> {
            cString(out, "");
            cString(out, statement);
            out.writeShort(0);
            out.writeShort(textParameters.length);
            for (String parameter : textParameters) {
                byte[] bytes = parameter.getBytes(StandardCharsets.UTF_8);
                out.writeInt(bytes.length);
                out.write(bytes);
            }
            out.writeShort(0);
        });
    }

    static byte[] execute() {
        return message('E', out -> {
            cString(out, "");
            out.writeInt(0);
        });
    }

    static byte[] sync() {
        return message('S', out -> { });
    }

    public static byte[] terminate() {
        return message('X', out -> { });
    }
}
