package io.pgferry.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Answers the requests of one HTTP/1.1 connection or HTTP/2 stream, in order: the CORS preflight, a WebSocket
 * upgrade (HTTP/1.1 only), {@code POST /sql}. A request that arrives while one is being answered (HTTP/1.1
 * pipelining) waits, so responses keep the order of their requests. Runs on the connection's event loop.
 */
final class EdgeRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final SqlEndpoint sql;
    private final WebSocketUpgrade webSocket;
    private final Queue<FullHttpRequest> waiting = new ArrayDeque<>();
    private boolean answering;

    /** {@code webSocket} is {@code null} on an HTTP/2 stream, which cannot be upgraded. */
    EdgeRequestHandler(SqlEndpoint sql, WebSocketUpgrade webSocket) {
        this.sql = sql;
        this.webSocket = webSocket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (answering) {
            waiting.add(request.retain());
            return;
        }
        answer(ctx, request);
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path = new QueryStringDecoder(request.uri()).path();
        if (request.method().equals(HttpMethod.OPTIONS)) {
            EdgeResponses.send(ctx, keepAlive, EdgeResponses.preflight(ctx.alloc()));
        } else if (webSocket != null && WebSocketUpgrade.isUpgrade(request)) {
            webSocket.accept(ctx, request);
        } else if (!path.equals("/sql")) {
            EdgeResponses.send(ctx, keepAlive, EdgeResponses.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND,
                    "no such endpoint: " + path + " (SQL over HTTP is POST /sql)"));
        } else if (!request.method().equals(HttpMethod.POST)) {
            EdgeResponses.send(ctx, keepAlive, EdgeResponses.error(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "/sql takes POST"));
        } else {
            answering = true;
            sql.handle(ctx, request, () -> answered(ctx));
        }
    }

    private void answered(ChannelHandlerContext ctx) {
        answering = false;
        FullHttpRequest next = waiting.poll();
        if (next != null) {
            try {
                answer(ctx, next);
            } finally {
                next.release();
            }
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        FullHttpRequest request;
        while ((request = waiting.poll()) != null) {
            request.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
