package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgferry.protocol.TypedFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client's messages on their way to its link: framed as they are read, gathered into one batch per read burst,
 * and numbered, so the session can tell whether it dispatched anything since a link reported itself idle (a link is
 * given back only if not). Reading and dispatching happen on the client's loop, processing on the link's. Owns the
 * frames read until a batch is taken.
 */
final class InboundBatches {
    private final TypedFrames frames;
    private List<ByteBuf> pending = new ArrayList<>();
    private long dispatched;
    private final AtomicLong processed = new AtomicLong();

    InboundBatches(int maxMessageSize, ByteBufAllocator allocator) {
        this.frames = TypedFrames.fromClient(maxMessageSize, allocator, frame -> pending.add(frame));
    }

    /** Client loop: takes ownership of received bytes and frames what they complete. */
    void read(ByteBuf received) {
        frames.read(received);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The messages read but not yet dispatched; still owned here. */
    List<ByteBuf> pending() {
        return pending;
    }

    /** Client loop: takes the pending messages as the next batch; the caller owns them from here. */
    List<ByteBuf> take() {
        List<ByteBuf> batch = pending;
        pending = new ArrayList<>();
        dispatched++;
        return batch;
    }

    /** The number of the batch {@link #take()} last returned. */
    long lastDispatched() {
        return dispatched;
    }

    /** Link loop: the batch numbered {@code number} has been written to the link. */
    void processed(long number) {
        processed.set(number);
    }

    /** Any thread: the number of the last batch written to the link. */
    long lastProcessed() {
        return processed.get();
    }

    /** Client loop: whether nothing was dispatched after batch {@code number}. */
    boolean nothingSince(long number) {
        return dispatched == number;
    }

    /** Drops the messages not yet dispatched (a cancelled wait). */
    void dropPending() {
        pending.forEach(ByteBuf::release);
        pending.clear();
    }

    /** The channel closed: drops everything held. */
    void release() {
        frames.release();
        dropPending();
    }
}
