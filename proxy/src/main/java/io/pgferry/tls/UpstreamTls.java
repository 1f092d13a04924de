package io.pgferry.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.config.Upstream;
import java.util.concurrent.Executor;

/** TLS towards one upstream: the shared context for its sslmode, and the workers its handshakes compute on. */
public record UpstreamTls(SslContext context, Upstream upstream, Executor handshakeWorkers) {
    /** The handler for a new connection to the upstream (SNI and, in verify-full, the host name check use its host). */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc, upstream.host(), upstream.port(), handshakeWorkers);
    }
}
