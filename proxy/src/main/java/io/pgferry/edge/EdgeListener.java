package io.pgferry.edge;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pgferry.config.ProxyConfig;
import io.pgferry.context.Listening;
import io.pgferry.frontend.FrontendContext;
import io.pgferry.tls.ClientTlsContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The edge listener ({@code pgferry.edge.listen}): SQL over HTTP and PostgreSQL over WebSocket. Its address and
 * limits are read at start; its TLS certificate follows reloads, as the PostgreSQL port's does.
 */
public final class EdgeListener implements AutoCloseable {
    private final Channel listener;
    private final ChannelGroup connections;
    private final AtomicReference<SslContext> tls;

    private EdgeListener(Channel listener, ChannelGroup connections, AtomicReference<SslContext> tls) {
        this.listener = listener;
        this.connections = connections;
        this.tls = tls;
    }

    /** Binds the listener; its TLS context (HTTP/2 and HTTP/1.1 by ALPN) comes from the client TLS settings. */
    public static EdgeListener start(EventLoopGroup group, Class<? extends ServerChannel> channelType,
                                     ProxyConfig config, FrontendContext context) {
        AtomicReference<SslContext> tls = new AtomicReference<>(ClientTlsContext.forHttp(config.clientTls()));
        ChannelGroup connections = new DefaultChannelGroup("edge connections", GlobalEventExecutor.INSTANCE);
        EdgeChannelInitializer edge = new EdgeChannelInitializer(config.edge(), tls::get,
                context.shared().handshakeWorkers(), context);
        Channel listener = Listening.bind(new ServerBootstrap().group(group).channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connections.add(channel);
                        channel.pipeline().addLast(edge);
                    }
                }), config.edge().listen());
        return new EdgeListener(listener, connections, tls);
    }

    /** New connections use the reloaded configuration's certificate. */
    public void reload(ProxyConfig config) {
        tls.set(ClientTlsContext.forHttp(config.clientTls()));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Closes the listener and its connections while the event loops still run, so none is left to their clean-up. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
