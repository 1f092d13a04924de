package io.pgferry.loadtest.jmh;

import io.netty.buffer.ByteBuf;
import io.pgferry.backend.ExpectedReplies;
import io.pgferry.backend.ReplySink;
import io.pgferry.backend.Request;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The expected-reply queue for one extended-protocol transaction: Bind, Execute and Sync are expected, the four
 * replies are matched and forwarded. With a swallowed, injected Parse in front when {@code injectParse}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ExpectedRepliesBenchmark {
    private ExpectedReplies replies;
    private List<ByteBuf> serverMessages;
    private ByteBuf parseComplete;
    private Blackhole sink;

    @Setup
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        replies = new ExpectedReplies(new ReplySink() {
            @Override
            public void forward(ByteBuf message) {
                sink.consume(message);
                message.release();
            }

            @Override
            public void forwardSynthesized(ByteBuf message) {
                forward(message);
            }

            @Override
            public void injectedRequestFailed(Request request, ByteBuf errorResponse) {
                errorResponse.release();
            }

            @Override
            public void readyForQuery(byte transactionStatus, boolean idle) {
                sink.consume(idle);
            }
        });
        ByteBuf all = HotPathMessages.replies();
        serverMessages = new ArrayList<>();
        while (all.isReadable()) {
            int length = all.getInt(all.readerIndex() + 1);
            serverMessages.add(all.readRetainedSlice(length + 1));
        }
        parseComplete = HotPathMessages.typed('1', io.netty.buffer.Unpooled.EMPTY_BUFFER);
    }

    @Benchmark
    public void bindExecuteSync() {
        replies.expect(Request.BIND, ExpectedReplies.Action.FORWARD);
        replies.expect(Request.EXECUTE, ExpectedReplies.Action.FORWARD);
        replies.expect(Request.SYNC, ExpectedReplies.Action.FORWARD);
        for (ByteBuf message : serverMessages) {
            replies.onServerMessage(message.retainedDuplicate());
        }
    }

    @Benchmark
    public void injectedParseThenBindExecuteSync() {
        replies.expect(Request.PARSE, ExpectedReplies.Action.SKIP);
        replies.onServerMessage(parseComplete.retainedDuplicate());
        bindExecuteSync();
    }
}
