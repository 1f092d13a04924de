package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * Joins frames that lie back to back in one receive buffer into a single slice before they are written, so a burst
 * of replies (RowDescription, DataRows, CommandComplete, ReadyForQuery) costs one channel write instead of one per
 * message. Frames that do not continue the run (a rewritten Bind, a synthesized reply, another read's buffer) end
 * it and start a new one, so order is kept. Only direct buffers with a known address are joined; others pass one by
 * one.
 *
 * <p>Confined to one thread. Owns the run's first frame until {@link #writeTo} hands the run to the channel; frames
 * joined to the run are released at once, the first one's reference keeping their shared memory alive.
 */
public final class OutboundRun {
    private ByteBuf first;
    private int length;
    /** The buffer the run's frames were sliced from, and the address just past the run's last byte (0: no joining). */
    private ByteBuf root;
    private long end;
    private boolean unflushed;

    /** Takes ownership of {@code frame}: joins it to the run, or writes the run out and starts a new one with it. */
    public void add(Channel channel, ByteBuf frame) {
        if (first != null && continuesRun(frame)) {
            length += frame.readableBytes();
            end += frame.readableBytes();
            frame.release();
            return;
        }
        writeTo(channel);
        first = frame;
        length = frame.readableBytes();
        root = frame.unwrap();
        end = isSliceOf(frame, root) ? address(frame) + length : 0;
    }

    private boolean continuesRun(ByteBuf frame) {
        return end != 0 && frame.unwrap() == root && frame.hasMemoryAddress() && address(frame) == end;
    }

    /**
     * Whether {@code frame} is a slice cut straight from {@code root}, with known addresses. A leak-detection wrapper
     * keeps its own count of the references taken through it, so frames it wraps are not joined.
     */
    private static boolean isSliceOf(ByteBuf frame, ByteBuf root) {
        return root != null && root.unwrap() == null && frame.hasMemoryAddress() && root.hasMemoryAddress();
    }

    /** Writes the pending run, if any, to {@code channel} without flushing. */
    public void writeTo(Channel channel) {
        ByteBuf run = first;
        if (run == null) {
            return;
        }
        ByteBuf runRoot = root;
        first = null;
        root = null;
        unflushed = true;
        if (length == run.readableBytes()) {
            channel.write(run, channel.voidPromise());
            return;
        }
        int rootIndex = (int) (address(run) - runRoot.memoryAddress());
        ByteBuf joined = runRoot.retainedSlice(rootIndex, length);
        run.release();
        channel.write(joined, channel.voidPromise());
    }

    /** Writes the pending run and flushes the channel, if anything was written since the last flush. */
    public void flushTo(Channel channel) {
        writeTo(channel);
        if (unflushed) {
            unflushed = false;
            channel.flush();
        }
    }

    /** Address of a frame's first readable byte. */
    private static long address(ByteBuf frame) {
        return frame.memoryAddress() + frame.readerIndex();
    }
}
