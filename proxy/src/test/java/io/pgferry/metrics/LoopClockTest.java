package io.pgferry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopClockTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, LoopClock.around(NioIoHandler.newFactory()));

    @AfterEach
    void shutDown() {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    @Test
    void readsWithinOnePassOfTheLoopShareOneReading() throws Exception {
        EventLoop loop = group.next();
        long[] readings = loop.submit(() -> {
            long first = LoopClock.nanoTime();
            TimeUnit.MILLISECONDS.sleep(5);
            return new long[] {first, LoopClock.nanoTime(), System.nanoTime()};
        }).get();
        assertEquals(readings[0], readings[1], "the second read in the same pass reused the first");
        assertTrue(readings[2] - readings[0] >= 5_000_000L, "the system clock moved meanwhile");
    }

    @Test
    void theNextPassReadsTheClockAgain() throws Exception {
        EventLoop loop = group.next();
        long first = loop.submit(LoopClock::nanoTime).get();
        // A delayed task runs after the loop has waited for it, in a later pass.
        long later = loop.schedule(LoopClock::nanoTime, 20, TimeUnit.MILLISECONDS).get();
        assertTrue(later - first >= 20_000_000L, "read again after the wait: " + (later - first) + " ns apart");
    }

    @Test
    void offTheLoopsItIsTheSystemClock() throws InterruptedException {
        long before = LoopClock.nanoTime();
        Thread.sleep(5);
        assertTrue(LoopClock.nanoTime() - before >= 5_000_000L);
    }
}
