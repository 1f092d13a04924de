package io.pgferry.loadtest.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgferry.protocol.MessageFrameDecoder;
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

/** Framing a server's replies to one transaction (four messages in one read) into retained slices. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FramingBenchmark {
    private EmbeddedChannel channel;
    private ByteBuf replies;

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.State.TYPED, 1 << 20));
        replies = HotPathMessages.replies();
    }

    @Benchmark
    public int frameOneTransactionsReplies() {
        channel.writeInbound(Unpooled.wrappedBuffer(replies.retain()));
        int frames = 0;
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            frames++;
            frame.release();
        }
        return frames;
    }
}
