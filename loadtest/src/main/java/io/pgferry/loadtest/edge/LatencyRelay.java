package io.pgferry.loadtest.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay that stands in for network distance: every byte is delivered a fixed one-way delay after it
 * arrives, in order, in both directions. Connecting costs a round trip too, as a TCP handshake would: the
 * client's first bytes reach the target no earlier than three one-way delays after it connected (SYN, SYN-ACK,
 * then the data). This machine has no netem, so the load test simulates distance itself.
 *
 * <p>Buffers read on one side are owned by the scheduled write to the other side, which releases them if that
 * side has closed.
 */
public final class LatencyRelay implements AutoCloseable {
    private final Channel listener;

    private LatencyRelay(Channel listener) {
        this.listener = listener;
    }

    public static LatencyRelay start(EventLoopGroup group, InetSocketAddress target, Duration oneWay) {
        long delayNanos = oneWay.toNanos();
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel inbound) {
                        long handshakeDoneNanos = System.nanoTime() + 2 * delayNanos;
                        new Bootstrap().group(inbound.eventLoop()).channel(NioSocketChannel.class)
                                .option(ChannelOption.TCP_NODELAY, true)
                                .handler(new Forwarder(inbound, 0, delayNanos))
                                .connect(target).addListener((ChannelFutureListener) connected -> {
                                    if (!connected.isSuccess()) {
                                        inbound.close();
                                        return;
                                    }
                                    inbound.pipeline().addLast(new Forwarder(connected.channel(), handshakeDoneNanos,
                                            delayNanos));
                                    inbound.config().setAutoRead(true);
                                });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        return new LatencyRelay(listener);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
    }

    /** Delivers what one side reads to the other side, {@code delayNanos} later and not before {@code notBefore}. */
    private static final class Forwarder extends ChannelInboundHandlerAdapter {
        private final Channel peer;
        private final long notBeforeNanos;
        private final long delayNanos;

        Forwarder(Channel peer, long notBeforeNanos, long delayNanos) {
            this.peer = peer;
            this.notBeforeNanos = notBeforeNanos;
            this.delayNanos = delayNanos;
        }

        private long delayFromNow() {
            long now = System.nanoTime();
            return Math.max(now, notBeforeNanos) + delayNanos - now;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Same-deadline tasks run in submission order, and deadlines never decrease, so bytes stay in order.
            ctx.executor().schedule(() -> {
                if (peer.isActive()) {
                    peer.writeAndFlush(msg, peer.voidPromise());
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }, delayFromNow(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> {
                peer.close();
            }, delayFromNow(), TimeUnit.NANOSECONDS);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
