package io.pgferry.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.pgferry.CpuWorkers;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.config.Upstream;
import io.pgferry.testkit.ThreadPerTask;
import io.pgferry.tls.ServerTlsContexts;
import java.io.DataInputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bytes a cancel puts on the wire: the CancelRequest in the clear, or an SSLRequest first for a TLS link. */
class CancelSenderTest {
    /** Accepts one connection and returns its first message (length-prefixed); answers an SSLRequest with 'N'. */
    private static CompletableFuture<byte[]> firstMessage(ServerSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket peer = listener.accept()) {
                DataInputStream in = new DataInputStream(peer.getInputStream());
                int length = in.readInt();
                byte[] message = ByteBuffer.allocate(length).putInt(length).array();
                in.readFully(message, 4, length - 4);
                peer.getOutputStream().write('N');
                return message;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, ThreadPerTask.EXECUTOR);
    }

    private static byte[] cancelVia(boolean tlsLink) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CpuWorkers workers = new CpuWorkers(1);
        // Stands in for the link's socket; a TLS link's handshake leaves its ClientHello queued here.
        EmbeddedChannel linkChannel = new EmbeddedChannel();
        try (ServerSocket listener = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> received = firstMessage(listener);
            if (tlsLink) {
                linkChannel.pipeline().addLast(SslContextBuilder.forClient().build().newHandler(linkChannel.alloc()));
            }
            ServerConnection link = new ServerConnection(linkChannel,
                    Upstream.parse("postgres://u@127.0.0.1:" + listener.getLocalPort() + "/db?sslmode=require"),
                    Map.of(), 4242, 77, 10);
            ServerConnector connector = new ServerConnector(NioSocketChannel.class, null, new ServerTlsContexts(workers),
                    new KeyDerivation(workers), 10, new UpstreamHosts(Duration.ZERO, System::nanoTime, (host, state) -> { }));
            connector.cancel(group.next(), link, () -> true, Duration.ofSeconds(5)).orElseThrow().channel().closeFuture().await(5, TimeUnit.SECONDS);
            return received.get(5, TimeUnit.SECONDS);
        } finally {
            linkChannel.finishAndReleaseAll();
            workers.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aPlainLinkIsCancelledWithTheRealKeyInTheClear() throws Exception {
        ByteBuffer message = ByteBuffer.wrap(cancelVia(false));
        assertEquals(16, message.getInt());
        assertEquals(80877102, message.getInt(), "CancelRequest code");
        assertEquals(4242, message.getInt(), "the server's process id, not the client's");
        assertEquals(77, message.getInt());
    }

    @Test
    void aTlsLinkIsCancelledOverTls() throws Exception {
        ByteBuffer message = ByteBuffer.wrap(cancelVia(true));
        assertEquals(8, message.getInt());
        assertEquals(80877103, message.getInt(), "SSLRequest first, so the key never travels in the clear");
        assertTrue(!message.hasRemaining());
    }
}
