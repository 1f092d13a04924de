package io.pgferry.loadtest.edge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The relay's delays: a round trip costs two one-way delays, connecting one more round trip, bytes stay in order. */
class LatencyRelayTest {
    private static final long DELAY_MILLIS = 40;

    @Test
    void roundTripsCostTwiceTheDelayAndTheFirstOneAlsoPaysTheHandshake() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ServerSocket echo = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            Thread echoThread = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (Socket peer = echo.accept()) {
                        peer.getInputStream().transferTo(peer.getOutputStream());
                    } catch (Exception ignored) {
                        // The test closed the connection.
                    }
                }
            });
            echoThread.start();
            try (LatencyRelay relay = LatencyRelay.start(group, new InetSocketAddress("127.0.0.1", echo.getLocalPort()),
                    Duration.ofMillis(DELAY_MILLIS))) {
                // A first connection loads the classes on the path, so the measured one shows the delays alone.
                try (Socket warmup = new Socket()) {
                    warmup.connect(relay.address());
                    roundTrip(warmup, new byte[] {0});
                }
                measure(relay);
            }
            echoThread.join(2000);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void measure(LatencyRelay relay) throws Exception {
        try (Socket client = new Socket()) {
            long connectStarted = System.nanoTime();
            client.connect(relay.address());
            client.setTcpNoDelay(true);
            roundTrip(client, new byte[] {1, 2, 3});
            long firstTotal = elapsedMillis(connectStarted);
            long second = roundTrip(client, new byte[] {4, 5, 6, 7});
            assertTrue(firstTotal >= 4 * DELAY_MILLIS && firstTotal < 4 * DELAY_MILLIS + 150,
                    "connect + first round trip = 2 round trips, took " + firstTotal + " ms");
            assertTrue(second >= 2 * DELAY_MILLIS && second < 2 * DELAY_MILLIS + 100,
                    "a round trip = 2 one-way delays, took " + second + " ms");
        }
    }

    private static long roundTrip(Socket client, byte[] payload) throws Exception {
        long started = System.nanoTime();
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        out.write(payload);
        out.flush();
        byte[] echoed = in.readNBytes(payload.length);
        assertArrayEquals(payload, echoed, "bytes arrive whole and in order");
        return elapsedMillis(started);
    }

    private static long elapsedMillis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
