package io.pgferry.backend;

import io.netty.buffer.ByteBuf;

/** Where {@link ExpectedReplies} sends what the client must see. Called on the server link's event loop. */
public interface ReplySink {
    /** A message for the client; the sink owns the buffer. */
    void forward(ByteBuf message);

    /** A reply pgferry made itself, for the client as it is (no server news to learn from); the sink owns it. */
    void forwardSynthesized(ByteBuf message);

    /** A request pgferry injected failed; the sink owns the ErrorResponse buffer. */
    void injectedRequestFailed(Request request, ByteBuf errorResponse);

    /** A ReadyForQuery completed a client-visible or injected exchange; {@code idle} means nothing is outstanding. */
    void readyForQuery(byte transactionStatus, boolean idle);
}
