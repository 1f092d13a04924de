package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.Consumer;

/**
 * Cuts typed messages out of received buffers in place and hands each to its consumer as a retained slice, by a
 * direct call: a burst of replies costs one pass over the buffer instead of a trip through the pipeline per
 * message, as {@link MessageFrameDecoder} makes. Bytes of a message split across reads are carried until it is
 * whole. Confined to one event loop; owns the carried bytes until {@link #release()}.
 */
public final class TypedFrames {
    private final int maxMessageLength;
    private final Consumer<ByteBuf> consumer;
    private final ByteBufAllocator allocator;
    private ByteBuf carried;

    public TypedFrames(int maxMessageLength, ByteBufAllocator allocator, Consumer<ByteBuf> consumer) {
        this.maxMessageLength = maxMessageLength;
        this.allocator = allocator;
        this.consumer = consumer;
    }

    /** Takes ownership of {@code received} and hands on every message completed by it, in order. */
    public void read(ByteBuf received) {
        ByteBuf in = carried == null ? received : join(carried, received);
        carried = null;
        try {
            while (in.readableBytes() >= Messages.BODY) {
                int start = in.readerIndex();
                int length = in.getInt(start + 1);
                if (!Messages.isValidLength(length, maxMessageLength)) {
                    throw Messages.invalidLength(length, maxMessageLength);
                }
                if (in.readableBytes() - 1 < length) {
                    break;
                }
                consumer.accept(in.readRetainedSlice(length + 1));
            }
        } catch (RuntimeException e) {
            in.release();
            throw e;
        }
        if (in.isReadable()) {
            carried = in;
        } else {
            in.release();
        }
    }

    /**
     * The carried bytes followed by the received ones. Appends in place (dropping the bytes already framed) when the
     * carried buffer is not shared with slices still in flight and may grow; otherwise copies both into a new
     * buffer. Either way capacity grows geometrically, so a large message arriving in many reads is copied a bounded
     * number of times.
     */
    private ByteBuf join(ByteBuf previous, ByteBuf received) {
        try {
            int required = previous.readableBytes() + received.readableBytes();
            if (previous.refCnt() == 1 && !previous.isReadOnly()
                    && previous.maxWritableBytes() >= received.readableBytes()) {
                return previous.discardReadBytes().writeBytes(received);
            }
            ByteBuf joined = allocator.buffer(allocator.calculateNewCapacity(required, Integer.MAX_VALUE));
            joined.writeBytes(previous).writeBytes(received);
            previous.release();
            return joined;
        } finally {
            received.release();
        }
    }

    /** Bytes received but not yet framed. */
    public int carriedBytes() {
        return carried == null ? 0 : carried.readableBytes();
    }

    /** Drops the carried bytes; the channel closed. */
    public void release() {
        if (carried != null) {
            carried.release();
            carried = null;
        }
    }
}
