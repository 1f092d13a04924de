package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.tls.UpstreamTls;

/**
 * Sends one CancelRequest on a connection of its own, over TLS when the link it cancels uses TLS (as libpq 17
 * does): an upstream such as Neon routes connections by SNI and refuses plain ones, cancels included. The
 * server answers nothing and closes, which ends the attempt. Releases what it reads.
 */
final class CancelSender extends ChannelInboundHandlerAdapter {
    private final UpstreamTls tls;
    private final int processId;
    private final int secretKey;
    /** Set on the sender's loop once the CancelRequest is on the wire; read by the timeout on the same loop. */
    private boolean sent;

    /** {@code tls} is null to cancel in the clear. */
    CancelSender(UpstreamTls tls, int processId, int secretKey) {
        this.tls = tls;
        this.processId = processId;
        this.secretKey = secretKey;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (tls == null) {
            sendCancel(ctx);
        } else {
            ctx.writeAndFlush(FrontendMessages.sslRequest(ctx.alloc()));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf answer = (ByteBuf) msg;
        try {
            if (tls == null || ctx.pipeline().get(SslHandler.class) != null || answer.readByte() != 'S') {
                // Whatever a server says besides 'S' to an SSLRequest, the cancel cannot be sent as the link was.
                ctx.close();
                return;
            }
        } finally {
            answer.release();
        }
        SslHandler handler = tls.newHandler(ctx.alloc());
        ctx.pipeline().addFirst(handler);
        handler.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) {
                sendCancel(ctx);
            } else {
                ctx.close();
            }
        });
    }

    /**
     * The connection stays open until the server closes it: PostgreSQL signals the backend before it closes, so
     * the close is what tells that the cancel can no longer land on a later request (see {@link PendingCancels}).
     */
    private void sendCancel(ChannelHandlerContext ctx) {
        sent = true;
        ctx.writeAndFlush(FrontendMessages.cancelRequest(ctx.alloc(), processId, secretKey))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** Whether the CancelRequest was written: once it was, the server may act on it whenever it reads it. */
    boolean sent() {
        return sent;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
