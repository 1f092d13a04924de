package io.pgferry.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.pgferry.CpuWorkers;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.config.Upstream;
import io.pgferry.tls.ServerTlsContexts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** cancel_wait_timeout: a cancel that cannot reach its server is given up within the bound, not left hanging. */
class CancelWaitTimeoutTest {
    @Test
    void aCancelToAServerThatDoesNotAnswerIsDroppedWithinTheTimeout() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CpuWorkers workers = new CpuWorkers(1);
        List<Socket> fillers = new ArrayList<>();
        // A listener that never accepts, with its backlog full: the kernel drops further SYNs, so connecting hangs.
        try (ServerSocket stuck = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 8; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(new InetSocketAddress("127.0.0.1", stuck.getLocalPort()), 100);
                } catch (IOException full) {
                    break;
                } finally {
                    fillers.add(filler);
                }
            }
            ServerConnector connector = new ServerConnector(NioSocketChannel.class, null, new ServerTlsContexts(workers),
                    new KeyDerivation(workers), 10, new UpstreamHosts(Duration.ZERO, System::nanoTime, (host, state) -> { }));
            ServerConnection link = new ServerConnection(new EmbeddedChannel(),
                    Upstream.parse("postgres://u@127.0.0.1:" + stuck.getLocalPort() + "/db?sslmode=disable"),
                    Map.of(), 42, 7, 10);
            long started = System.nanoTime();
            ChannelFuture cancel = connector.cancel(group.next(), link, () -> true, Duration.ofMillis(300)).orElseThrow();
            assertTrue(cancel.channel().closeFuture().await(5, TimeUnit.SECONDS), "the cancel attempt ended");
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(elapsedMillis >= 250 && elapsedMillis < 3000, "gave up after about 300 ms, took " + elapsedMillis);
            assertTrue(link.isUsable(), "a cancel that never reached the server cannot land later");
        } finally {
            for (Socket filler : fillers) {
                filler.close();
            }
            workers.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * A server that read the cancel but never closed its connection may still act on it: once the attempt times
     * out, the link serves nobody after its current client.
     */
    @Test
    void aCancelSentButUnconfirmedWithinTheTimeoutRetiresTheLink() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CpuWorkers workers = new CpuWorkers(1);
        try (ServerSocket silent = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<Socket> accepted = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return silent.accept();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }, io.pgferry.testkit.ThreadPerTask.EXECUTOR);
            ServerConnector connector = new ServerConnector(NioSocketChannel.class, null, new ServerTlsContexts(workers),
                    new KeyDerivation(workers), 10, new UpstreamHosts(Duration.ZERO, System::nanoTime, (host, state) -> { }));
            ServerConnection link = new ServerConnection(new EmbeddedChannel(),
                    Upstream.parse("postgres://u@127.0.0.1:" + silent.getLocalPort() + "/db?sslmode=disable"),
                    Map.of(), 42, 7, 10);
            ChannelFuture cancel = connector.cancel(group.next(), link, () -> true, Duration.ofMillis(300)).orElseThrow();
            try (Socket peer = accepted.get(5, TimeUnit.SECONDS)) {
                assertEquals(16, new java.io.DataInputStream(peer.getInputStream()).readInt(), "the cancel arrived");
                assertTrue(cancel.channel().closeFuture().await(5, TimeUnit.SECONDS), "the attempt ended");
                assertFalse(link.isUsable(), "the link will be closed when its client releases it");
            }
        } finally {
            workers.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
