package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.protocol.SqlState;
import io.pgferry.tls.ClientHelloAlpn;
import java.util.List;

/**
 * PostgreSQL 17's direct TLS ({@code sslnegotiation=direct}): a connection whose first byte opens a TLS handshake
 * record starts TLS at once, without SSLRequest, saving a round trip. A ClientHello that offers ALPN protocols
 * but not {@code postgresql} is refused, one without ALPN is accepted (Workers' {@code connect()} sends none). No
 * StartupMessage can begin with that byte: its length would exceed the 10,000-byte limit. Looks at the first
 * bytes only, then leaves the pipeline.
 */
final class DirectTlsDetector extends ByteToMessageDecoder {
    static final String POSTGRESQL_ALPN = "postgresql";
    private final FrontendContext context;

    DirectTlsDetector(FrontendContext context) {
        this.context = context;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        if (in.getByte(in.readerIndex()) != ClientHelloAlpn.HANDSHAKE_RECORD) {
            ctx.pipeline().remove(this);
            return;
        }
        int record = ClientHelloAlpn.recordLength(in);
        if (record == 0 || in.readableBytes() < record) {
            return;
        }
        SslContext tls = context.clientTls();
        List<String> offered = ClientHelloAlpn.offered(in);
        if (tls == null || !offered.isEmpty() && !offered.contains(POSTGRESQL_ALPN)) {
            in.skipBytes(in.readableBytes());
            ClientErrors.closeQuietly(ctx.channel(), tls == null ? "direct TLS, but TLS is not configured"
                    : "direct TLS offering ALPN " + offered + " without " + POSTGRESQL_ALPN);
            return;
        }
        ByteBuf hello = in.readRetainedSlice(in.readableBytes());
        ctx.pipeline().addFirst("tls", new SslHandler(tls.newEngine(ctx.alloc()), false, context.handshakeWorkers()));
        ctx.pipeline().remove(this);
        // From the head: the bytes read so far are TLS, for the handler just put in front of this one.
        ctx.pipeline().fireChannelRead(hello);
    }
}
