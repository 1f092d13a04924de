package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.DecoderException;
import io.netty.util.AttributeKey;
import io.pgferry.metrics.ProxyMetrics;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.ProtocolViolation;
import io.pgferry.protocol.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a client the FATAL error that ends its connection, then closes it. */
final class ClientErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ClientErrors.class);

    private ClientErrors() {
    }

    /** Lets the errors pgferry raises be counted by the proxy the channel belongs to. */
    static final AttributeKey<ProxyMetrics> METRICS = AttributeKey.valueOf("pgferry.metrics");

    /** Why a client connection ended, logged once when it closes. */
    static final AttributeKey<String> CLOSE_REASON = AttributeKey.valueOf("pgferry.closeReason");

    static void fatal(Channel channel, String sqlState, String message) {
        channel.attr(CLOSE_REASON).setIfAbsent(message + " (" + sqlState + ")");
        channel.attr(ClientLogFields.SQLSTATE).setIfAbsent(sqlState);
        ProxyMetrics metrics = channel.attr(METRICS).get();
        if (metrics != null) {
            metrics.proxyError(sqlState);
        }
        if (channel.isActive()) {
            channel.writeAndFlush(BackendMessages.errorResponse(channel.alloc(), "FATAL", sqlState, message))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Closes a connection that cannot be told anything in its own protocol (a TLS handshake pgferry refuses). */
    static void closeQuietly(Channel channel, String reason) {
        channel.attr(CLOSE_REASON).setIfAbsent(reason);
        channel.close();
    }

    /** Maps an exception from a client pipeline to the error the client sees. */
    static void onException(Channel channel, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolViolation) {
            fatal(channel, SqlState.PROTOCOL_VIOLATION, "protocol violation: " + root.getMessage());
        } else if (root instanceof java.io.IOException) {
            channel.attr(CLOSE_REASON).setIfAbsent("I/O error: " + root.getMessage());
            channel.close();
        } else {
            LOG.warn("client {}: internal error", channel.remoteAddress(), root);
            fatal(channel, SqlState.INTERNAL_ERROR, "internal error in pgferry: " + root.getMessage());
        }
    }
}
