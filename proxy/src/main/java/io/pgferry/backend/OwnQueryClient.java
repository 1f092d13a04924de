package io.pgferry.backend;

import io.netty.buffer.ByteBuf;

/**
 * The part every user of a link that collects its whole answer before anyone sees it shares (pgferry's own work: a
 * reset, the result cache's catalog query; and a SQL-over-HTTP request): nothing it made up needs delivering,
 * nothing is flushed to anyone, back-pressure does not apply, and a failed injected request is remembered as a
 * failure. Subclasses read the replies they care about and say when they are done.
 */
public abstract class OwnQueryClient implements ServerClient {
    private boolean failed;

    /** Whether an injected request or a reply said the query failed. */
    protected final boolean failed() {
        return failed;
    }

    protected final void fail() {
        failed = true;
    }

    @Override
    public void deliverSynthesized(ByteBuf message) {
        message.release();
    }

    @Override
    public void flush() {
    }

    @Override
    public void injectedRequestFailed(Request request, ByteBuf errorResponse) {
        errorResponse.release();
        failed = true;
    }

    @Override
    public void serverWritabilityChanged(boolean writable) {
    }
}
