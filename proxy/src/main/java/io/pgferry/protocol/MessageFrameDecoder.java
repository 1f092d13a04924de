package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the byte stream into whole protocol messages without decoding them. Each emitted message is a retained
 * slice of the cumulation holding the complete message (type byte, if any, and length word included), so it can
 * be forwarded as is; the handler that receives it owns that reference.
 *
 * <p>A client connection starts in {@link State#STARTUP} (untyped messages: SSLRequest, StartupMessage, ...)
 * and the frontend switches it to {@link State#TYPED} once the startup message is accepted. Lengths are peeked
 * with absolute getters; nothing is read until the whole message is present.
 */
public final class MessageFrameDecoder extends ByteToMessageDecoder {
    /** Which framing applies to the next message. */
    public enum State { STARTUP, TYPED }

    private final int maxMessageLength;
    private State state;

    public MessageFrameDecoder(State initial, int maxMessageLength) {
        this.state = initial;
        this.maxMessageLength = maxMessageLength;
    }

    /** Called by the handler of a startup message; the next message read is typed. */
    public void startTypedMessages() {
        state = State.TYPED;
    }

    /** Bytes received but not yet framed; after an SSLRequest there must be none (CVE-2021-23214). */
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int typeBytes = state == State.TYPED ? 1 : 0;
        if (in.readableBytes() < typeBytes + 4) {
            return;
        }
        int length = in.getInt(start + typeBytes);
        int limit = state == State.TYPED ? maxMessageLength : StartupCode.MAX_STARTUP_LENGTH;
        if (!Messages.isValidLength(length, limit)) {
            in.skipBytes(in.readableBytes());
            throw Messages.invalidLength(length, limit);
        }
        int total = typeBytes + length;
        if (in.readableBytes() < total) {
            return;
        }
        out.add(in.readRetainedSlice(total));
    }
}
