package io.pgferry.edge;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.ProxyConfig;
import io.pgferry.frontend.ClientChannelInitializer;
import io.pgferry.frontend.FrontendContext;
import java.util.List;
import java.util.Locale;

/**
 * Turns an HTTP/1.1 connection into a PostgreSQL client over WebSocket, on any path (Neon's proxy routes by
 * {@code Host}; the driver asks for {@code /v1?address=...} or {@code /v2}). The {@code address} the driver adds
 * names the database host it was given: it must be pgferry itself or an upstream pgferry serves, and is never used
 * to connect anywhere; the StartupMessage's database decides the route, as on the PostgreSQL port.
 */
final class WebSocketUpgrade {
    private final FrontendContext context;
    private final int maxFrameBytes;

    WebSocketUpgrade(FrontendContext context, int maxFrameBytes) {
        this.context = context;
        this.maxFrameBytes = maxFrameBytes;
    }

    static boolean isUpgrade(FullHttpRequest request) {
        return "websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE));
    }

    void accept(ChannelHandlerContext ctx, FullHttpRequest request) {
        List<String> addresses = new QueryStringDecoder(request.uri()).parameters().get("address");
        String host = hostOnly(request.headers().get(HttpHeaderNames.HOST));
        if (addresses != null && !addresses.stream().allMatch(address -> served(address, host))) {
            context.metrics().edgeRequest("websocket", HttpResponseStatus.FORBIDDEN.code());
            EdgeResponses.sendAndClose(ctx, EdgeResponses.error(ctx.alloc(), HttpResponseStatus.FORBIDDEN,
                    "address " + addresses + " is not a database host pgferry serves"));
            return;
        }
        String scheme = ctx.pipeline().get(SslHandler.class) != null ? "wss://" : "ws://";
        WebSocketDecoderConfig frames = WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(maxFrameBytes)
                .allowExtensions(false).build();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(scheme + host + request.uri(),
                null, frames).newHandshaker(request);
        if (handshaker == null) {
            context.metrics().edgeRequest("websocket", HttpResponseStatus.UPGRADE_REQUIRED.code());
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        context.metrics().edgeRequest("websocket", HttpResponseStatus.SWITCHING_PROTOCOLS.code());
        // The HTTP handlers after the codec go now: from the 101 on, the connection carries frames.
        ctx.pipeline().remove(RequestDeadline.class);
        ctx.pipeline().remove(EdgeChannelInitializer.IDLE);
        ctx.pipeline().remove(ctx.handler());
        handshaker.handshake(ctx.channel(), request).addListener(done -> {
            if (!done.isSuccess()) {
                ctx.channel().close();
            }
        });
        // At once, not when the 101 is written: the client's first frame may be read before that write completes.
        ctx.channel().pipeline().addLast("websocket", new WebSocketBridge());
        ClientChannelInitializer.startOverWebSocket(ctx.channel(), context);
    }

    /** Whether {@code address} (host or host:port) names pgferry as the client reached it, or a served upstream. */
    private boolean served(String address, String ownHost) {
        String host = hostOnly(address);
        if (host.equals(ownHost) || host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1")) {
            return true;
        }
        ProxyConfig config = context.config();
        for (DatabaseConfig database : config.databases().values()) {
            if (database.upstream().host().toLowerCase(Locale.ROOT).equals(host)) {
                return true;
            }
        }
        return false;
    }

    /** The host part of {@code host[:port]} or {@code [v6]:port}, lower-cased; "" for none. */
    static String hostOnly(String hostAndPort) {
        if (hostAndPort == null) {
            return "";
        }
        String text = hostAndPort.toLowerCase(Locale.ROOT);
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            return end < 0 ? text : text.substring(1, end);
        }
        int colon = text.indexOf(':');
        return colon < 0 || text.indexOf(':', colon + 1) >= 0 ? text : text.substring(0, colon);
    }
}
