package io.pgferry.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.pgferry.config.EdgeConfig;
import io.pgferry.frontend.FrontendContext;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Sets up an edge connection: TLS when pgferry has a certificate, then HTTP/2 if ALPN chose it, else HTTP/1.1
 * with keep-alive and WebSocket upgrades. Requests are aggregated up to the request cap (413 beyond) and must
 * arrive within the request timeout (408).
 */
final class EdgeChannelInitializer extends ChannelInitializer<Channel> {
    static final String IDLE = "idle";

    private final EdgeConfig config;
    private final Supplier<SslContext> tls;
    private final Executor handshakeWorkers;
    private final SqlEndpoint sql;
    private final WebSocketUpgrade webSocket;

    /** {@code tls}: the current TLS context, or {@code null} for plain HTTP. */
    EdgeChannelInitializer(EdgeConfig config, Supplier<SslContext> tls, Executor handshakeWorkers,
                           FrontendContext context) {
        this.config = config;
        this.tls = tls;
        this.handshakeWorkers = handshakeWorkers;
        this.sql = new SqlEndpoint(context.shared());
        this.webSocket = new WebSocketUpgrade(context, config.maxRequestBytes());
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(IDLE, new IdleStateHandler(0, 0, config.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        SslContext current = tls.get();
        if (current == null) {
            http1(pipeline);
            return;
        }
        pipeline.addLast("tls", current.newHandler(channel.alloc(), handshakeWorkers));
        pipeline.addLast(new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
            @Override
            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                    http2(ctx.pipeline());
                } else {
                    http1(ctx.pipeline());
                }
            }
        });
    }

    private void http1(ChannelPipeline pipeline) {
        pipeline.addLast("http", new HttpServerCodec());
        pipeline.addLast(new RequestDeadline(config.requestTimeout()));
        pipeline.addLast(new CappedAggregator(config.maxRequestBytes()));
        pipeline.addLast(new EdgeRequestHandler(sql, webSocket));
    }

    private void http2(ChannelPipeline pipeline) {
        pipeline.addLast(Http2FrameCodecBuilder.forServer().build());
        pipeline.addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new RequestDeadline(config.requestTimeout()), new CappedAggregator(config.maxRequestBytes()),
                        new EdgeRequestHandler(sql, null));
            }
        }));
    }

    /** Netty's aggregator, answering an oversized body with a JSON 413 in the edge's error shape. */
    private static final class CappedAggregator extends HttpObjectAggregator {
        private final int maxBytes;

        CappedAggregator(int maxBytes) {
            super(maxBytes);
            this.maxBytes = maxBytes;
        }

        /** The rest of the body is read and dropped, so a kept-alive client still reads this answer. */
        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage message) {
            boolean keepAlive = !(message instanceof FullHttpMessage) && HttpUtil.isKeepAlive(message);
            EdgeResponses.send(ctx, keepAlive, EdgeResponses.error(ctx.alloc(),
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request is too large (max is " + maxBytes + " bytes)"));
        }
    }
}
