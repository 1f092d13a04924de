package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Flyweight readers for fields of framed messages (type byte at index 0, then the length word). */
public final class Messages {
    /** Offset of the body in a typed message: type byte plus length word. */
    public static final int BODY = 5;

    private Messages() {
    }

    /** Whether a message's length word (which counts itself) is at least its own size and at most {@code limit}. */
    static boolean isValidLength(int length, int limit) {
        return length >= 4 && length <= limit;
    }

    /** The error for a length word that {@link #isValidLength} refused. */
    static ProtocolViolation invalidLength(int length, int limit) {
        return new ProtocolViolation(length < 4 ? "invalid message length " + length
                : "message length " + length + " exceeds the limit of " + limit + " bytes");
    }

    public static byte type(ByteBuf message) {
        return message.getByte(message.readerIndex());
    }

    /** Reads the NUL-terminated string starting at absolute index {@code at}. */
    public static String cString(ByteBuf buffer, int at) {
        int end = buffer.indexOf(at, buffer.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolViolation("unterminated string in message");
        }
        return buffer.toString(at, end - at, StandardCharsets.UTF_8);
    }

    /** Index just past the NUL that ends the string starting at absolute index {@code at}. */
    public static int skipCString(ByteBuf buffer, int at) {
        int end = buffer.indexOf(at, buffer.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolViolation("unterminated string in message");
        }
        return end + 1;
    }

    /** The transaction status byte of a ReadyForQuery message: 'I' idle, 'T' in a block, 'E' failed block. */
    public static byte transactionStatus(ByteBuf readyForQuery) {
        return readyForQuery.getByte(readyForQuery.readerIndex() + BODY);
    }

    /** Whether a CommandComplete message carries exactly {@code tag} (ASCII), without decoding it. */
    public static boolean commandTagIs(ByteBuf commandComplete, String tag) {
        int at = commandComplete.readerIndex() + BODY;
        if (commandComplete.writerIndex() - at - 1 != tag.length()) {
            return false;
        }
        for (int i = 0; i < tag.length(); i++) {
            if (commandComplete.getByte(at + i) != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The text of column {@code column} (from 0) of a DataRow in text format; {@code null} for NULL or a row with
     * fewer columns. Reads without moving the buffer's indexes.
     */
    public static String dataRowText(ByteBuf row, int column) {
        int at = row.readerIndex() + BODY;
        if (row.getUnsignedShort(at) <= column) {
            return null;
        }
        at += 2;
        for (int i = 0; i < column; i++) {
            at += 4 + Math.max(0, row.getInt(at));
        }
        int length = row.getInt(at);
        return length < 0 ? null : row.toString(at + 4, length, StandardCharsets.UTF_8);
    }

    /** The Int32 request code of an Authentication message. */
    public static int authenticationCode(ByteBuf authentication) {
        return authentication.getInt(authentication.readerIndex() + BODY);
    }
}
