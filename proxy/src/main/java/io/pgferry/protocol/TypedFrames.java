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
    private final boolean clientMessages;
    private final Consumer<ByteBuf> consumer;
    private final ByteBufAllocator allocator;
    private ByteBuf carried;
    /** The whole size of the message the carried bytes begin, once its length word has arrived; else 0. */
    private int carriedMessageSize;

    /** Frames a server's messages: any type byte. */
    public TypedFrames(int maxMessageLength, ByteBufAllocator allocator, Consumer<ByteBuf> consumer) {
        this(maxMessageLength, false, allocator, consumer);
    }

    private TypedFrames(int maxMessageLength, boolean clientMessages, ByteBufAllocator allocator,
                        Consumer<ByteBuf> consumer) {
        this.maxMessageLength = maxMessageLength;
        this.clientMessages = clientMessages;
        this.allocator = allocator;
        this.consumer = consumer;
    }

    /** Frames a logged-in client's messages: a type byte no client may send is refused as soon as it arrives. */
    public static TypedFrames fromClient(int maxMessageLength, ByteBufAllocator allocator, Consumer<ByteBuf> consumer) {
        return new TypedFrames(maxMessageLength, true, allocator, consumer);
    }

    /** Takes ownership of {@code received} and hands on every message completed by it, in order. */
    public void read(ByteBuf received) {
        ByteBuf in = carried == null ? received : join(carried, received);
        carried = null;
        carriedMessageSize = 0;
        try {
            while (in.isReadable()) {
                int start = in.readerIndex();
                if (clientMessages && !FrontendTag.isValid(in.getByte(start))) {
                    throw new ProtocolViolation("invalid frontend message type " + (in.getByte(start) & 0xFF));
                }
                if (in.readableBytes() < Messages.BODY) {
                    break;
                }
                int length = in.getInt(start + 1);
                if (!Messages.isValidLength(length, maxMessageLength)) {
                    throw Messages.invalidLength(length, maxMessageLength);
                }
                if (in.readableBytes() - 1 < length) {
                    carriedMessageSize = (int) Math.min(Integer.MAX_VALUE, length + 1L);
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
     * carried buffer is not shared with slices still in flight; otherwise copies both into a new buffer. Capacity
     * doubles, up to the size the message declared, so a large message arriving in many reads costs about two
     * copies of itself (Netty's own growth steps by 4 MiB past 4 MiB, which made a 200 MB Query quadratic).
     */
    private ByteBuf join(ByteBuf previous, ByteBuf received) {
        try {
            int required = previous.readableBytes() + received.readableBytes();
            int capacity = grownCapacity(required);
            if (previous.refCnt() == 1 && !previous.isReadOnly() && previous.maxCapacity() >= capacity) {
                previous.discardReadBytes();
                if (previous.writableBytes() < received.readableBytes()) {
                    previous.capacity(capacity);
                }
                return previous.writeBytes(received);
            }
            ByteBuf joined = allocator.buffer(capacity);
            joined.writeBytes(previous).writeBytes(received);
            previous.release();
            return joined;
        } finally {
            received.release();
        }
    }

    /** Twice what is needed, as far as the declared message goes: memory follows what the client really sent. */
    private int grownCapacity(int required) {
        return required >= carriedMessageSize ? required : (int) Math.min(2L * required, carriedMessageSize);
    }

    /** Bytes received but not yet framed. */
    public int carriedBytes() {
        return carried == null ? 0 : carried.readableBytes();
    }

    /** The capacity of the buffer holding the carried bytes: what a partial message costs in memory. */
    int carriedCapacity() {
        return carried == null ? 0 : carried.capacity();
    }

    /** Drops the carried bytes; the channel closed. */
    public void release() {
        if (carried != null) {
            carried.release();
            carried = null;
        }
    }
}
