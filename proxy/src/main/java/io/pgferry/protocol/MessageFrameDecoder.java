package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cuts the byte stream into whole protocol messages without decoding them. Each emitted message is a retained
 * slice of the cumulation holding the complete message (type byte, if any, and length word included), so it can
 * be forwarded as is; the handler that receives it owns that reference.
 *
 * <p>A client connection starts in {@link State#STARTUP} (untyped messages: SSLRequest, StartupMessage, ...), is
 * switched to {@link State#AUTHENTICATION} once its startup message is accepted and to {@link State#FRONTEND} once
 * it is logged in; a server link uses {@link State#TYPED}. Before login, messages are bounded as PostgreSQL bounds
 * them, far below {@code maxMessageLength}, and a type byte that cannot come next is refused as soon as it is read,
 * not after the length it claims has arrived. Lengths are peeked with absolute getters; nothing is read until the
 * whole message is present.
 */
public final class MessageFrameDecoder extends ByteToMessageDecoder {
    /** PostgreSQL's bound on a password or SASL message (PG_MAX_AUTH_TOKEN_LENGTH). */
    public static final int MAX_AUTHENTICATION_LENGTH = 65_535;

    /** Which framing applies to the next message. */
    public enum State {
        /** Untyped startup packets, at most {@link StartupCode#MAX_STARTUP_LENGTH} bytes. */
        STARTUP,
        /** Only PasswordMessage and SASL responses, at most {@link #MAX_AUTHENTICATION_LENGTH} bytes. */
        AUTHENTICATION,
        /**
         * A password is being checked: bytes the client pipelined after it (its first query) wait unframed until the
         * session, which frames by itself, takes them over, or the console resumes framing.
         */
        HELD,
        /** A logged-in client: frontend message types only, up to the configured limit. */
        FRONTEND,
        /** A server link: any type, up to the configured limit. */
        TYPED
    }

    private final int maxMessageLength;
    private State state;

    public MessageFrameDecoder(State initial, int maxMessageLength) {
        this.state = initial;
        this.maxMessageLength = maxMessageLength;
    }

    /** Called by the handler of a startup message; the next message read must be a password or SASL response. */
    public void startAuthentication() {
        state = State.AUTHENTICATION;
    }

    /** The last login message was read: what follows waits until the login's outcome is known. */
    public void hold() {
        state = State.HELD;
    }

    /** The client logged in: any frontend message, up to the configured limit, may come next. */
    public void startFrontendMessages() {
        state = State.FRONTEND;
    }

    /**
     * Frames bytes that arrived while the login was checked now rather than at the next read, which a client
     * waiting for its pipelined query's answer would never send. {@code ownContext} is this decoder's context.
     */
    public void frameHeldBytes(ChannelHandlerContext ownContext) throws Exception {
        if (actualReadableBytes() > 0) {
            channelRead(ownContext, ownContext.alloc().buffer(0));
            channelReadComplete(ownContext);
        }
    }

    /** Bytes received but not yet framed; after an SSLRequest there must be none (CVE-2021-23214). */
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.HELD) {
            return;
        }
        int start = in.readerIndex();
        int typeBytes = state == State.STARTUP ? 0 : 1;
        if (typeBytes == 1 && in.isReadable()) {
            checkType(in, in.getByte(start));
        }
        if (in.readableBytes() < typeBytes + 4) {
            return;
        }
        int length = in.getInt(start + typeBytes);
        int limit = switch (state) {
            case STARTUP -> StartupCode.MAX_STARTUP_LENGTH;
            case AUTHENTICATION -> MAX_AUTHENTICATION_LENGTH;
            case HELD, FRONTEND, TYPED -> maxMessageLength;
        };
        if (!Messages.isValidLength(length, limit)) {
            boolean http = state == State.STARTUP && looksLikeHttp(in, start);
            in.skipBytes(in.readableBytes());
            throw http ? new ProtocolViolation("not a PostgreSQL client (looks like HTTP)")
                    : Messages.invalidLength(length, limit);
        }
        if (state == State.STARTUP && length < StartupCode.MIN_STARTUP_LENGTH) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolViolation("invalid length of startup packet " + length);
        }
        if (in.readableBytes() - typeBytes < length) {
            return;
        }
        out.add(in.readRetainedSlice(typeBytes + length));
    }

    /** A browser or health check pointed at the PostgreSQL port: its request line read as a length is absurd. */
    private static boolean looksLikeHttp(ByteBuf in, int start) {
        String head = in.toString(start, 4, StandardCharsets.US_ASCII);
        return List.of("GET ", "POST", "PUT ", "HEAD", "OPTI", "DELE", "PATC", "CONN", "PRI ").contains(head);
    }

    private void checkType(ByteBuf in, byte type) {
        boolean valid = switch (state) {
            case AUTHENTICATION -> type == FrontendTag.PASSWORD;
            case FRONTEND -> FrontendTag.isValid(type);
            default -> true;
        };
        if (!valid) {
            in.skipBytes(in.readableBytes());
            throw new ProtocolViolation(state == State.AUTHENTICATION
                    ? "expected password response, got message type " + (type & 0xFF)
                    : "invalid frontend message type " + (type & 0xFF));
        }
    }
}
