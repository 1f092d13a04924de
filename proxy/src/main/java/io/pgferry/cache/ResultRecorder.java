package io.pgferry.cache;

import io.netty.buffer.ByteBuf;
import io.pgferry.backend.ReplyTap;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.Messages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Records a cache miss as its replies pass to the client: the RowDescription, the DataRows and the
 * CommandComplete, copied; stored when the request's ReadyForQuery says the link is outside a transaction. An
 * error, a portal suspended by a row limit, COPY, or a result larger than max-result-bytes spoils it. Confined to
 * the link's event loop.
 */
final class ResultRecorder implements ReplyTap {
    private final DatabaseCache cache;
    private final CacheKey key;
    private final String[] tables;
    private final long stamp;
    private final Duration maxAge;
    private final long sentNanos = System.nanoTime();
    private final ByteArrayOutputStream rows = new ByteArrayOutputStream(256);
    private byte[] rowDescription;
    private boolean complete;
    private boolean spoiled;
    /** The fill other clients wait for, if this request's client claimed it at its lookup. */
    private PendingFill fill;

    ResultRecorder(DatabaseCache cache, CacheKey key, String[] tables, long stamp, Duration maxAge) {
        this.cache = cache;
        this.key = key;
        this.tables = tables;
        this.stamp = stamp;
        this.maxAge = maxAge;
    }

    /** Another request joined the result: it is no longer one statement's. */
    void spoil() {
        spoiled = true;
        endFill();
    }

    /** Takes over {@code claimed}: it ends when this recording does. */
    void fills(PendingFill claimed) {
        this.fill = claimed;
    }

    private void endFill() {
        if (fill != null) {
            cache.endFill(key, fill);
            fill = null;
        }
    }

    @Override
    public void reply(ByteBuf message) {
        if (spoiled) {
            return;
        }
        byte type = Messages.type(message);
        switch (type) {
            case BackendTag.ROW_DESCRIPTION -> rowDescription = copy(message);
            case BackendTag.DATA_ROW -> append(message);
            case BackendTag.COMMAND_COMPLETE -> {
                append(message);
                complete = true;
            }
            case BackendTag.PARSE_COMPLETE, BackendTag.BIND_COMPLETE, BackendTag.NO_DATA -> {
            }
            default -> spoiled = true;
        }
    }

    private static byte[] copy(ByteBuf message) {
        byte[] bytes = new byte[message.readableBytes()];
        message.getBytes(message.readerIndex(), bytes);
        return bytes;
    }

    private void append(ByteBuf message) {
        if (rows.size() + message.readableBytes() > cache.settings().maxResultBytes()) {
            spoiled = true;
            cache.counters().count(CacheStatus.OVERSIZEDRESULT);
            return;
        }
        try {
            message.getBytes(message.readerIndex(), rows, message.readableBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void failed() {
        spoiled = true;
        endFill();
    }

    @Override
    public void readyForQuery(byte transactionStatus) {
        if (!spoiled && complete && transactionStatus == 'I') {
            cache.store(key, rowDescription, rows.toByteArray(), tables, stamp, maxAge, sentNanos);
        }
        spoiled = true;
        endFill();
    }
}
