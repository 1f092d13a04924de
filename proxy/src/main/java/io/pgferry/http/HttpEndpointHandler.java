package io.pgferry.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.pgferry.metrics.ProxyMetrics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/** Answers one HTTP request: the Prometheus scrape, liveness or readiness. Runs on an event loop. */
final class HttpEndpointHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final ProxyMetrics metrics;
    private final BooleanSupplier ready;
    private final Executor probes;

    /** {@code probes} runs the readiness check, which may block on TCP connects, away from the event loop. */
    HttpEndpointHandler(ProxyMetrics metrics, BooleanSupplier ready, Executor probes) {
        this.metrics = metrics;
        this.ready = ready;
        this.probes = probes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri().split("\\?", 2)[0];
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        switch (path) {
            case "/metrics" -> send(ctx, keepAlive, response(HttpResponseStatus.OK, PROMETHEUS_TEXT, metrics.scrape()));
            case "/health" -> send(ctx, keepAlive, response(HttpResponseStatus.OK, "text/plain", "ok\n"));
            case "/ready" -> CompletableFuture.supplyAsync(ready::getAsBoolean, probes).thenAcceptAsync(ok -> send(ctx,
                    keepAlive, ok ? response(HttpResponseStatus.OK, "text/plain", "ready\n")
                            : response(HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "an upstream is unreachable\n")),
                    ctx.executor());
            default -> send(ctx, keepAlive, response(HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n"));
        }
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, content.readableBytes());
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
