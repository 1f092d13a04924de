package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgferry.protocol.ProtocolViolation;
import io.pgferry.protocol.TypedFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of a logged-in server link: frames what the server sends and hands each message to its
 * {@link ServerConnection}. It frames by itself, in place, because a server's replies come in bursts (six
 * messages for one extended-protocol query), and a decoder's pass through the pipeline per message showed in
 * every profile.
 */
final class ServerLinkHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLinkHandler.class);
    private final ServerConnection link;
    private final TypedFrames frames;
    private String closeReason = "server closed the connection";

    ServerLinkHandler(ServerConnection link, ByteBufAllocator allocator) {
        this.link = link;
        this.frames = new TypedFrames(ServerConnector.MAX_SERVER_MESSAGE_LENGTH, allocator, link::onMessage);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        frames.read((ByteBuf) msg);
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

    /**
     * A link pgferry closed is routine (INFO, with why); one the server or the network ended is not (WARN, with the
     * server's FATAL message when it sent one, as for an administrator's pg_terminate_backend).
     */
    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        String byPgferry = link.end().byPgferry();
        if (byPgferry != null) {
            LOG.info("server {} pid {} closed by pgferry: {}", link.upstream(), link.processId(), byPgferry);
        } else {
            closeReason = link.end().notByPgferry(closeReason);
            LOG.warn("server {} pid {} disconnected: {}", link.upstream(), link.processId(), closeReason);
        }
        frames.release();
        link.onClosed(byPgferry != null ? "closed by pgferry: " + byPgferry : closeReason);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeReason = cause instanceof ServerOutOfSync || cause instanceof ProtocolViolation
                || cause.getCause() instanceof ProtocolViolation
                ? "protocol out of sync: " + cause.getMessage() : "I/O error: " + cause.getMessage();
        link.markBroken();
        ctx.close();
    }
}
