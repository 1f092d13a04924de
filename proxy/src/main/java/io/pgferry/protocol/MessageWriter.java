package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Builds one message into a fresh buffer: the type byte, a length word back-patched by {@link #finish()}, then
 * the body; {@link #then} appends another message to the same buffer. The buffer returned by {@code finish}
 * belongs to the caller.
 */
final class MessageWriter {
    private static final int NO_MESSAGE = -1;
    private final ByteBuf buffer;
    private final int lengthAt;

    private MessageWriter(ByteBuf buffer, int lengthAt) {
        this.buffer = buffer;
        this.lengthAt = lengthAt;
    }

    static MessageWriter typed(ByteBufAllocator allocator, byte type) {
        ByteBuf buffer = allocator.buffer();
        buffer.writeByte(type);
        int lengthAt = buffer.writerIndex();
        buffer.writeInt(0);
        return new MessageWriter(buffer, lengthAt);
    }

    /** A buffer with no message begun: {@link #then} starts the first. */
    static MessageWriter empty(ByteBufAllocator allocator) {
        return after(allocator.buffer());
    }

    /** Appends to {@code buffer}, which already holds whole messages: {@link #then} starts the next. */
    static MessageWriter after(ByteBuf buffer) {
        return new MessageWriter(buffer, NO_MESSAGE);
    }

    static MessageWriter untyped(ByteBufAllocator allocator) {
        ByteBuf buffer = allocator.buffer();
        buffer.writeInt(0);
        return new MessageWriter(buffer, 0);
    }

    MessageWriter int32(int value) {
        buffer.writeInt(value);
        return this;
    }

    MessageWriter int16(int value) {
        buffer.writeShort(value);
        return this;
    }

    MessageWriter byte1(int value) {
        buffer.writeByte(value);
        return this;
    }

    MessageWriter bytes(byte[] value) {
        buffer.writeBytes(value);
        return this;
    }

    /** A length-prefixed text value as DataRow and Bind carry it; {@code null} is SQL NULL (length -1). */
    MessageWriter nullableText(String value) {
        if (value == null) {
            return int32(-1);
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return int32(bytes.length).bytes(bytes);
    }

    MessageWriter cString(String value) {
        buffer.writeCharSequence(value, StandardCharsets.UTF_8);
        buffer.writeByte(0);
        return this;
    }

    /** Ends this message and starts the next one in the same buffer. */
    MessageWriter then(byte type) {
        if (lengthAt != NO_MESSAGE) {
            finish();
        }
        buffer.writeByte(type);
        int nextLengthAt = buffer.writerIndex();
        buffer.writeInt(0);
        return new MessageWriter(buffer, nextLengthAt);
    }

    ByteBuf finish() {
        buffer.setInt(lengthAt, buffer.writerIndex() - lengthAt);
        return buffer;
    }
}
