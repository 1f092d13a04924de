package io.pgferry.loadtest.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.pgferry.protocol.ExtendedMessages;
import java.nio.charset.StandardCharsets;
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

/** Renaming a client's Bind to the registry's statement name: a header plus retained slices, no body copy. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BindSpliceBenchmark {
    private ByteBuf bind;
    private byte[] serverName;

    @Setup
    public void setUp() {
        bind = HotPathMessages.bind("P_1");
        serverName = "_pgferry_12345".getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public int renameBind() {
        ByteBuf renamed = ExtendedMessages.renameBind(PooledByteBufAllocator.DEFAULT, bind.retain(), serverName);
        int size = renamed.readableBytes();
        renamed.release();
        return size;
    }

    @Benchmark
    public String readBindStatementName() {
        return ExtendedMessages.bindStatement(bind);
    }
}
