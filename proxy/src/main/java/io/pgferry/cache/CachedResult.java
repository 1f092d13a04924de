package io.pgferry.cache;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stored result: the RowDescription (if the request that filled it asked for one) and the DataRows with
 * their CommandComplete, as the server sent them; the invalidation stamp of the tables it read, taken before its
 * request was sent; and when it stops being fresh and stops being served. Immutable but for the refresh claim.
 */
public final class CachedResult {
    private final byte[] rowDescription;
    private final byte[] rows;
    private final String[] tables;
    private final long stamp;
    private final long freshUntilNanos;
    private final long servedUntilNanos;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    CachedResult(byte[] rowDescription, byte[] rows, String[] tables, long stamp, long freshUntilNanos,
                 long servedUntilNanos) {
        this.rowDescription = rowDescription;
        this.rows = rows;
        this.tables = tables;
        this.stamp = stamp;
        this.freshUntilNanos = freshUntilNanos;
        this.servedUntilNanos = servedUntilNanos;
    }

    /** The RowDescription message, or {@code null} if the request that filled the entry did not describe. */
    public byte[] rowDescription() {
        return rowDescription;
    }

    /** The DataRow messages and the CommandComplete. */
    public byte[] rows() {
        return rows;
    }

    String[] tables() {
        return tables;
    }

    long stamp() {
        return stamp;
    }

    boolean isFresh(long now) {
        return now - freshUntilNanos < 0;
    }

    boolean isServable(long now) {
        return now - servedUntilNanos < 0;
    }

    long servedUntilNanos() {
        return servedUntilNanos;
    }

    /** Claims the one refresh of a stale entry; {@code false} if another request is refreshing it. */
    boolean claimRefresh() {
        return refreshing.compareAndSet(false, true);
    }

    int weight(CacheKey key) {
        return (rowDescription == null ? 0 : rowDescription.length) + rows.length + key.size() + 64;
    }
}
