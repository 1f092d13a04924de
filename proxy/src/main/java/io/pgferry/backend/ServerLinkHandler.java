package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgferry.protocol.ProtocolViolation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last handler of a logged-in server link: hands each framed message to its {@link ServerConnection}. */
final class ServerLinkHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLinkHandler.class);
    private final ServerConnection link;
    private String closeReason = "server closed the connection";

    ServerLinkHandler(ServerConnection link) {
        this.link = link;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        link.onMessage((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        link.onReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        link.onWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        LOG.info("server {} pid {} disconnected: {}", link.upstream(), link.processId(), closeReason);
        link.onClosed(closeReason);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeReason = cause instanceof ServerOutOfSync || cause.getCause() instanceof ProtocolViolation
                ? "protocol out of sync: " + cause.getMessage() : "I/O error: " + cause.getMessage();
        link.markBroken();
        ctx.close();
    }
}
