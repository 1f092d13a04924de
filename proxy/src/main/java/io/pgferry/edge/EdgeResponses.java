package io.pgferry.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.OutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The responses every edge endpoint shares: JSON bodies with CORS allowed from anywhere (browsers and edge
 * runtimes call {@code /sql} cross-origin), errors in the shape of Neon's, and the preflight answer.
 */
final class EdgeResponses {
    static final JsonFactory JSON = new JsonFactory();
    /** Neon's error keys after message and code, in its order; null when the error does not carry them. */
    static final String[] ERROR_KEYS = {"severity", "detail", "hint", "position", "internalPosition",
            "internalQuery", "where", "schema", "table", "column", "dataType", "constraint", "file", "line", "routine"};
    private static final String ALLOWED_HEADERS = "Authorization, Neon-Connection-String, Neon-Raw-Text-Output, "
            + "Neon-Array-Mode, Neon-Pool-Opt-In, Neon-Batch-Read-Only, Neon-Batch-Isolation-Level, Neon-Batch-Deferrable";

    private EdgeResponses() {
    }

    /** A generator writing into {@code out}; the caller closes it. */
    static JsonGenerator generator(ByteBuf out) {
        return JSON.createGenerator(ObjectWriteContext.empty(), (OutputStream) new ByteBufOutputStream(out));
    }

    /** A JSON error that is pgferry's own (no PostgreSQL fields): the message, and the SQLSTATE when there is one. */
    static FullHttpResponse error(ByteBufAllocator allocator, HttpResponseStatus status, String message) {
        return error(allocator, status, message, null);
    }

    static FullHttpResponse error(ByteBufAllocator allocator, HttpResponseStatus status, String message, String code) {
        return json(status, errorBody(allocator, message, code));
    }

    /** The JSON body of an error that is pgferry's own; the caller owns it. */
    static ByteBuf errorBody(ByteBufAllocator allocator, String message, String code) {
        ByteBuf body = allocator.buffer(128 + message.length());
        try (JsonGenerator json = generator(body)) {
            json.writeStartObject();
            json.writeStringProperty("message", message);
            json.writeStringProperty("code", code);
            for (String key : ERROR_KEYS) {
                json.writeNullProperty(key);
            }
            json.writeEndObject();
        }
        return body;
    }

    /** A response carrying {@code body}, which it now owns. */
    static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        HttpUtil.setContentLength(response, body.readableBytes());
        return response;
    }

    /** The CORS preflight: which methods and Neon headers a cross-origin caller may use, cached for a day. */
    static FullHttpResponse preflight(ByteBufAllocator allocator) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                allocator.buffer(0));
        response.headers().set(HttpHeaderNames.ALLOW, "OPTIONS, POST")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "OPTIONS, POST")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "86400");
        HttpUtil.setContentLength(response, 0);
        return response;
    }

    /** Sends {@code response}, closing the connection after it unless the request allows keeping it. */
    static void send(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    static void sendAndClose(ChannelHandlerContext ctx, FullHttpResponse response) {
        send(ctx, false, response);
    }
}
