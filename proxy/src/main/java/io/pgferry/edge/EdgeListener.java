package io.pgferry.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.ssl.SslContext;
import io.pgferry.config.ProxyConfig;
import io.pgferry.frontend.FrontendContext;
import io.pgferry.tls.ClientTlsContext;
import java.net.InetSocketAddress;

/** The edge listener ({@code pgferry.edge.listen}): SQL over HTTP and PostgreSQL over WebSocket. */
public final class EdgeListener implements AutoCloseable {
    private final Channel listener;

    private EdgeListener(Channel listener) {
        this.listener = listener;
    }

    /** Binds the listener; its TLS context (HTTP/2 and HTTP/1.1 by ALPN) comes from the client TLS settings. */
    public static EdgeListener start(EventLoopGroup group, Class<? extends ServerChannel> channelType,
                                     ProxyConfig config, FrontendContext context) {
        SslContext tls = ClientTlsContext.forHttp(config.clientTls());
        Channel listener = new ServerBootstrap().group(group).channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new EdgeChannelInitializer(config.edge(), tls, context.shared().handshakeWorkers(),
                        context))
                .bind(config.edge().listen()).syncUninterruptibly().channel();
        return new EdgeListener(listener);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
    }
}
