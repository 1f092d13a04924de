package io.pgferry.cache;

import io.netty.channel.EventLoop;
import io.pgferry.pool.ServerPool;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One database's {@link Catalog} as pgferry last read it, shared by its result cache and its read routing, and
 * read again through a pool when it is missing, old, or lacks a name a statement used. Thread-safe.
 */
public final class CatalogSource {
    /** Reload at most this often for names it did not know, so a new table or function is soon known. */
    private static final long UNKNOWN_RETRY_NANOS = Duration.ofSeconds(1).toNanos();
    private final AtomicBoolean loading = new AtomicBoolean();
    private volatile Catalog catalog;
    private volatile long wantedAtNanos;

    /** The catalog, or {@code null} until it is loaded. */
    public Catalog current() {
        return catalog;
    }

    /** A statement that may have changed the catalog (DDL) ended: it is read again on the next refresh. */
    void outdated() {
        wantedAtNanos = System.nanoTime();
    }

    /**
     * Loads the catalog through {@code pool} if there is none, if it is older than {@code maxAge}, if it was
     * outdated, or if {@code unknown} (a name it did not know was met) and it was not read within the last second.
     */
    public void refresh(ServerPool pool, EventLoop loop, Duration maxAge, boolean unknown) {
        Catalog current = catalog;
        long now = System.nanoTime();
        boolean due = current == null
                || now - current.loadedAtNanos() > maxAge.toNanos()
                || unknown && now - current.loadedAtNanos() > UNKNOWN_RETRY_NANOS
                || wantedAtNanos - current.loadedAtNanos() > 0;
        if (due && loading.compareAndSet(false, true)) {
            CatalogLoader.load(pool, loop, loaded -> {
                if (loaded != null) {
                    catalog = loaded;
                }
                loading.set(false);
            });
        }
    }
}
