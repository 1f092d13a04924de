package io.pgferry;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringAdaptiveBufferRingAllocator;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.pgferry.metrics.LoopClock;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The socket transport of the event loops: io_uring (fewest system calls), epoll, or NIO where neither native
 * transport loads. {@code auto} takes the first that works on this kernel.
 *
 * <p>Where the kernel allows, io_uring sockets receive with multishot recv into a ring of buffers each event loop
 * provides: one receive stays armed per socket instead of being re-submitted after every read, which measured a
 * third fewer system calls and a quarter fewer context switches per transaction. An idle socket holds no buffer.
 */
enum Transport {
    IO_URING(IoUringServerSocketChannel.class, IoUringSocketChannel.class, IoUringServerDomainSocketChannel.class),
    EPOLL(EpollServerSocketChannel.class, EpollSocketChannel.class, EpollServerDomainSocketChannel.class),
    NIO(NioServerSocketChannel.class, NioSocketChannel.class, null);

    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends Channel> clientChannel;
    /** The Unix-domain socket listener's channel; {@code null} where the transport has none. */
    final Class<? extends ServerChannel> unixServerChannel;

    Transport(Class<? extends ServerChannel> serverChannel, Class<? extends Channel> clientChannel,
              Class<? extends ServerChannel> unixServerChannel) {
        this.serverChannel = serverChannel;
        this.clientChannel = clientChannel;
        this.unixServerChannel = unixServerChannel;
    }

    /** The buffer group io_uring sockets receive from when {@link #receivesFromRing()}. */
    static final short RECEIVE_BUFFER_GROUP = 1;
    private static final short RECEIVE_RING_SIZE = 256;
    private static final int RECEIVE_RING_REFILL_BATCH = 64;

    /** Each loop's I/O handler, with a {@link LoopClock} for the loop's thread. */
    IoHandlerFactory ioHandlerFactory() {
        return LoopClock.around(switch (this) {
            case IO_URING -> receivesFromRing()
                    ? IoUringIoHandler.newFactory(new IoUringIoHandlerConfig().setBufferRingConfig(
                            IoUringBufferRingConfig.builder().bufferGroupId(RECEIVE_BUFFER_GROUP)
                                    .bufferRingSize(RECEIVE_RING_SIZE).batchSize(RECEIVE_RING_REFILL_BATCH)
                                    .allocator(new IoUringAdaptiveBufferRingAllocator()).build()))
                    : IoUringIoHandler.newFactory();
            case EPOLL -> EpollIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        });
    }

    /** Whether sockets of this transport receive from the event loop's buffer ring (and need its group set). */
    boolean receivesFromRing() {
        return this == IO_URING && IoUring.isRegisterBufferRingSupported() && IoUring.isRecvMultishotEnabled();
    }

    boolean isAvailable() {
        return switch (this) {
            case IO_URING -> IoUring.isAvailable();
            case EPOLL -> Epoll.isAvailable();
            case NIO -> true;
        };
    }

    /** The transport named in the configuration, or for {@code auto} the preferred one that is available. */
    static Transport choose(String name, Transport... preference) {
        if (!name.equals("auto")) {
            Transport chosen = valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (!chosen.isAvailable()) {
                throw new IllegalStateException("transport " + name + " is not available on this system");
            }
            return chosen;
        }
        for (Transport candidate : preference) {
            if (candidate.isAvailable()) {
                return candidate;
            }
        }
        // Most often the native libraries could not be unpacked: a read-only /tmp, as under readOnlyRootFilesystem.
        LoggerFactory.getLogger(Transport.class).warn("no native transport loaded ({}); running on NIO."
                + " Netty unpacks its native libraries into java.io.tmpdir, which must be writable",
                Epoll.unavailabilityCause().getMessage());
        return NIO;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT) + (receivesFromRing() ? ", multishot receive" : "");
    }
}
