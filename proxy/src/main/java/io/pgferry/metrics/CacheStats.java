package io.pgferry.metrics;

/** What one database's result cache reports; read when the metrics are scraped. */
public interface CacheStats {
    String database();

    /** Requests the cache counted under {@code status}, a label of Hyperdrive's cacheStatus vocabulary. */
    long requests(String status);

    /** Writes seen through pgferry that dropped cached results. */
    long invalidations();

    long entries();

    long bytes();

    long evictions();

    /** Misses that waited for another client's identical request instead of going upstream. */
    long coalescedMisses();
}
