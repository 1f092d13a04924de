package io.pgferry.backend;

import io.netty.buffer.ByteBuf;

/**
 * Whoever holds a server link right now: a client session, or pgferry itself while it resets the link. Every
 * method is called on the server link's event loop; implementations hop to their own thread where they need to.
 */
public interface ServerClient {
    /** A message for the client; the callee owns it. Written but not yet flushed. */
    void deliver(ByteBuf message);

    /** A reply pgferry made itself, possibly several messages in one buffer; the callee owns it. Not yet flushed. */
    void deliverSynthesized(ByteBuf message);

    /** The server link finished a read burst: flush what was delivered. */
    void flush();

    /** A request pgferry injected on this client's behalf failed; the callee owns the ErrorResponse. */
    void injectedRequestFailed(Request request, ByteBuf errorResponse);

    /** ReadyForQuery arrived; {@code idle} means the link owes no more replies. */
    void readyForQuery(byte transactionStatus, boolean idle);

    /** The server link's socket became (un)writable: a client sending faster than the server reads should pause. */
    void serverWritabilityChanged(boolean writable);

    /** The link closed underneath the client. */
    void serverClosed(ServerClosure why);

    /** pgferry's number for this client, shown by the admin console; 0 for pgferry's own work. */
    default long clientId() {
        return 0;
    }
}
