package io.pgferry.loadtest.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.TypedFrames;
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
 * Framing a server's replies to one transaction (four messages in one read) into retained slices: by the
 * startup-phase decoder, a ByteToMessageDecoder that passes each message down the pipeline, and in place by
 * {@link TypedFrames}, which the links and sessions use once logged in.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FramingBenchmark {
    private EmbeddedChannel channel;
    private ByteBuf replies;
    private TypedFrames inPlace;
    private int framed;

    @Setup
    public void setUp() {
        channel = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.State.TYPED, 1 << 20));
        replies = HotPathMessages.replies();
        inPlace = new TypedFrames(1 << 20, PooledByteBufAllocator.DEFAULT, frame -> {
            framed++;
            frame.release();
        });
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

    @Benchmark
    public int frameOneTransactionsRepliesInPlace() {
        framed = 0;
        inPlace.read(Unpooled.wrappedBuffer(replies.retain()));
        return framed;
    }
}
