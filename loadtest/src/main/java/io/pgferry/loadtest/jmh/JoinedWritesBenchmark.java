package io.pgferry.loadtest.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgferry.protocol.OutboundRun;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Writing one transaction's four replies (2, D, C, Z, sliced from one read) to a channel and flushing: one write
 * per message, against one joined write through {@link OutboundRun}. Leak detection is off, as in production,
 * since it keeps wrapped slices from being joined.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class JoinedWritesBenchmark {
    private static final int[] FRAME_LENGTHS = {5, 15, 14, 6};
    private EmbeddedChannel channel;
    private ByteBuf read;
    private final OutboundRun run = new OutboundRun();

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel();
        ByteBuf replies = HotPathMessages.replies();
        read = Unpooled.directBuffer(replies.readableBytes()).writeBytes(replies);
        replies.release();
    }

    @Benchmark
    public int oneWritePerMessage() {
        ByteBuf replies = read.retainedDuplicate();
        for (int length : FRAME_LENGTHS) {
            channel.write(replies.readRetainedSlice(length), channel.voidPromise());
        }
        replies.release();
        channel.flush();
        return drain();
    }

    @Benchmark
    public int joinedWrite() {
        ByteBuf replies = read.retainedDuplicate();
        for (int length : FRAME_LENGTHS) {
            run.add(channel, replies.readRetainedSlice(length));
        }
        replies.release();
        run.flushTo(channel);
        return drain();
    }

    private int drain() {
        int writes = 0;
        ByteBuf written;
        while ((written = channel.readOutbound()) != null) {
            writes++;
            written.release();
        }
        return writes;
    }
}
