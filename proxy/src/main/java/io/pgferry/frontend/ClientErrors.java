package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.DecoderException;
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

    static void fatal(Channel channel, String sqlState, String message) {
        LOG.info("client {} closed: {} ({})", channel.remoteAddress(), message, sqlState);
        if (channel.isActive()) {
            channel.writeAndFlush(BackendMessages.errorResponse(channel.alloc(), "FATAL", sqlState, message))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Maps an exception from a client pipeline to the error the client sees. */
    static void onException(Channel channel, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolViolation) {
            fatal(channel, SqlState.PROTOCOL_VIOLATION, "protocol violation: " + root.getMessage());
        } else if (root instanceof java.io.IOException) {
            LOG.debug("client {} I/O error: {}", channel.remoteAddress(), root.getMessage());
            channel.close();
        } else {
            LOG.warn("client {}: internal error", channel.remoteAddress(), root);
            fatal(channel, SqlState.INTERNAL_ERROR, "internal error in pgferry: " + root.getMessage());
        }
    }
}
