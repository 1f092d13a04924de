package io.pgferry.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pgferry.context.Listening;
import io.pgferry.metrics.ProxyMetrics;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The HTTP listener for /metrics, /health and /ready. Owns its listening channel, the connections it accepted
 * (a scraper keeps one open) and the probe thread.
 */
public final class HttpEndpoints implements AutoCloseable {
    private final Channel listener;
    private final ChannelGroup connections;
    private final ExecutorService probes;

    private HttpEndpoints(Channel listener, ChannelGroup connections, ExecutorService probes) {
        this.listener = listener;
        this.connections = connections;
        this.probes = probes;
    }

    public static HttpEndpoints start(EventLoopGroup group, Class<? extends ServerChannel> channelType,
                                      InetSocketAddress address, ProxyMetrics metrics, BooleanSupplier ready) {
        ExecutorService probes = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "pgferry-ready-probe");
            thread.setDaemon(true);
            return thread;
        });
        ChannelGroup connections = new DefaultChannelGroup("http connections", GlobalEventExecutor.INSTANCE);
        Channel listener;
        try {
            listener = Listening.bind(new ServerBootstrap().group(group).channel(channelType)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            connections.add(channel);
                            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024),
                                    new HttpEndpointHandler(metrics, ready, probes));
                        }
                    }), address);
        } catch (Listening.ListenFailure e) {
            probes.shutdownNow();
            throw e;
        }
        return new HttpEndpoints(listener, connections, probes);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** Closes the listener and its connections while the event loops still run, so none is left to their clean-up. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        probes.shutdownNow();
    }
}
