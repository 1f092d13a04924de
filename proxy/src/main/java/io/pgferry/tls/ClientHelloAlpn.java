package io.pgferry.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the ALPN protocols a TLS ClientHello offers (RFC 7301), so that a direct-TLS connection offering only
 * protocols other than {@code postgresql} is refused before its handshake, as PostgreSQL 17 and Neon's proxy
 * refuse it. Lengths are checked against what is left, never trusted.
 */
public final class ClientHelloAlpn {
    /** The first byte of a TLS handshake record. */
    public static final byte HANDSHAKE_RECORD = 0x16;
    private static final int RECORD_HEADER = 5;
    private static final int CLIENT_HELLO = 1;
    private static final int ALPN_EXTENSION = 16;

    private ClientHelloAlpn() {
    }

    /** Bytes the first record needs, header included; 0 until its header has arrived. */
    public static int recordLength(ByteBuf in) {
        if (in.readableBytes() < RECORD_HEADER) {
            return 0;
        }
        return RECORD_HEADER + in.getUnsignedShort(in.readerIndex() + 3);
    }

    /**
     * The protocols offered in the ClientHello that the first record of {@code in} holds (not consumed): empty if
     * it offers none, or if the record is not a whole ClientHello (the TLS handshake then decides).
     */
    public static List<String> offered(ByteBuf in) {
        int start = in.readerIndex();
        int end = start + recordLength(in);
        if (end == start || end > in.writerIndex()) {
            return List.of();
        }
        int at = start + RECORD_HEADER;
        if (end - at < 4 || in.getUnsignedByte(at) != CLIENT_HELLO) {
            return List.of();
        }
        at += 4 + 2 + 32;
        at = skip(in, at, end, 1);
        at = skip(in, at, end, 2);
        at = skip(in, at, end, 1);
        if (at < 0 || end - at < 2) {
            return List.of();
        }
        int extensionsEnd = Math.min(end, at + 2 + in.getUnsignedShort(at));
        at += 2;
        while (extensionsEnd - at >= 4) {
            int type = in.getUnsignedShort(at);
            int length = in.getUnsignedShort(at + 2);
            at += 4;
            if (length > extensionsEnd - at) {
                return List.of();
            }
            if (type == ALPN_EXTENSION) {
                return protocols(in, at, at + length);
            }
            at += length;
        }
        return List.of();
    }

    /** Skips a vector with a {@code width}-byte length at {@code at}; -1 if it runs past {@code end}. */
    private static int skip(ByteBuf in, int at, int end, int width) {
        if (at < 0 || end - at < width) {
            return -1;
        }
        int length = width == 1 ? in.getUnsignedByte(at) : in.getUnsignedShort(at);
        return length > end - at - width ? -1 : at + width + length;
    }

    private static List<String> protocols(ByteBuf in, int at, int end) {
        List<String> protocols = new ArrayList<>();
        if (end - at < 2) {
            return protocols;
        }
        at += 2;
        while (at < end) {
            int length = in.getUnsignedByte(at++);
            if (length > end - at) {
                break;
            }
            protocols.add(in.toString(at, length, StandardCharsets.US_ASCII));
            at += length;
        }
        return protocols;
    }
}
