package io.pgferry.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutboundRunTest {
    /** Direct buffers that leak detection does not wrap, as in production. */
    private final ByteBufAllocator allocator = new UnpooledByteBufAllocator(true, true);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final OutboundRun run = new OutboundRun();

    /** Four frames of 5, 7, 3 and 6 bytes, sliced from one direct buffer as the frame decoder slices a read. */
    private List<ByteBuf> framesOfOneRead(ByteBuf read) {
        for (int i = 0; i < 21; i++) {
            read.writeByte('a' + i);
        }
        List<ByteBuf> frames = new ArrayList<>();
        for (int length : new int[] {5, 7, 3, 6}) {
            frames.add(read.readRetainedSlice(length));
        }
        read.release();
        return frames;
    }

    private static List<byte[]> written(EmbeddedChannel channel) {
        List<byte[]> writes = new ArrayList<>();
        ByteBuf write;
        while ((write = channel.readOutbound()) != null) {
            writes.add(ByteBufUtil.getBytes(write));
            write.release();
        }
        return writes;
    }

    @Test
    void framesBackToBackInOneBufferLeaveAsOneWrite() {
        ByteBuf read = allocator.directBuffer(64);
        List<ByteBuf> frames = framesOfOneRead(read);
        frames.forEach(frame -> run.add(channel, frame));
        assertNull(channel.readOutbound(), "nothing is written before the run ends");

        run.flushTo(channel);

        List<byte[]> writes = written(channel);
        assertEquals(1, writes.size());
        assertEquals("abcdefghijklmnopqrstu", new String(writes.get(0)));
        assertEquals(0, read.refCnt(), "every frame's reference was given back");
    }

    @Test
    void aFrameFromElsewhereEndsTheRunAndKeepsItsPlace() {
        ByteBuf read = allocator.directBuffer(64);
        List<ByteBuf> frames = framesOfOneRead(read);
        run.add(channel, frames.get(0));
        run.add(channel, frames.get(1));
        run.add(channel, allocator.directBuffer().writeBytes("XY".getBytes()));
        run.add(channel, frames.get(2));
        run.add(channel, frames.get(3));
        run.flushTo(channel);

        List<byte[]> writes = written(channel);
        assertEquals(List.of("abcdefghijkl", "XY", "mnopqrstu"), writes.stream().map(String::new).toList());
        assertEquals(0, read.refCnt());
    }

    @Test
    void skippedFramesSplitTheRun() {
        ByteBuf read = allocator.directBuffer(64);
        List<ByteBuf> frames = framesOfOneRead(read);
        run.add(channel, frames.get(0));
        frames.get(1).release();
        run.add(channel, frames.get(2));
        run.flushTo(channel);

        assertEquals(List.of("abcde", "mno"), written(channel).stream().map(String::new).toList());
        frames.get(3).release();
        assertEquals(0, read.refCnt());
    }

    @Test
    void framesWrappedForLeakDetectionPassOneByOneAndAreAllReleased() {
        // The test JVM runs paranoid leak detection, so this pooled buffer and each slice of it are wrapped.
        ByteBuf read = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        List<ByteBuf> frames = framesOfOneRead(read);
        frames.forEach(frame -> run.add(channel, frame));
        run.flushTo(channel);

        assertEquals(List.of("abcde", "fghijkl", "mno", "pqrstu"), written(channel).stream().map(String::new).toList());
        assertEquals(0, read.refCnt());
    }

    @Test
    void heapFramesPassOneByOne() {
        ByteBuf read = Unpooled.buffer(16).writeBytes("abcdef".getBytes());
        run.add(channel, read.readRetainedSlice(2));
        run.add(channel, read.readRetainedSlice(4));
        read.release();
        run.flushTo(channel);

        List<byte[]> writes = written(channel);
        assertEquals(2, writes.size());
        assertArrayEquals("cdef".getBytes(), writes.get(1));
    }

    @Test
    void flushWithNothingWrittenDoesNotFlush() {
        int[] flushes = {0};
        EmbeddedChannel counted = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                flushes[0]++;
                ctx.flush();
            }
        });
        run.flushTo(counted);
        assertEquals(0, flushes[0]);
        run.add(counted, allocator.directBuffer().writeByte('Z'));
        run.flushTo(counted);
        run.flushTo(counted);
        assertEquals(1, flushes[0]);
        assertEquals(1, written(counted).size());
    }
}
