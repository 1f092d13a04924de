package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A message's text field read in place, one char per byte: enough to look for ASCII keywords without decoding
 * or copying the text (bytes of multi-byte UTF-8 characters never match an ASCII keyword). Valid while the
 * buffer is; holds no reference count of its own.
 */
public final class ByteBufText implements CharSequence {
    private final ByteBuf buffer;
    private final int start;
    private final int length;

    private ByteBufText(ByteBuf buffer, int start, int length) {
        this.buffer = buffer;
        this.start = start;
        this.length = length;
    }

    /** The NUL-terminated string starting at {@code at}. */
    public static ByteBufText cString(ByteBuf message, int at) {
        int end = message.indexOf(at, message.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProtocolViolation("unterminated string in message");
        }
        return new ByteBufText(message, at, end - at);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        return (char) (buffer.getByte(start + index) & 0xFF);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        return new ByteBufText(buffer, start + from, to - from);
    }

    /** The text decoded as UTF-8. */
    @Override
    public String toString() {
        return buffer.toString(start, length, StandardCharsets.UTF_8);
    }
}
