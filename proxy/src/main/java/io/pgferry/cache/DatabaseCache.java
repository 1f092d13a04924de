package io.pgferry.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.netty.channel.EventLoop;
import io.pgferry.config.CacheSettings;
import io.pgferry.metrics.CacheStats;
import io.pgferry.pool.ServerPool;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * The result cache of one database: a Caffeine store weighted by result size, and the invalidation versions that
 * make a write through pgferry drop what it changed. A table's version (and the database's, for writes pgferry
 * cannot resolve) only grows; an entry remembers the sum over its tables taken before its request was sent, and is
 * served only while that sum is unchanged, so neither an entry stored by a read that raced a write nor one stored
 * before the write is ever served after the writer saw its ReadyForQuery. Thread-safe.
 */
public final class DatabaseCache implements CacheStats {
    private final String database;
    private final CacheSettings settings;
    private final Cache<CacheKey, CachedResult> store;
    private final Map<String, AtomicLong> tableVersions = new ConcurrentHashMap<>();
    private final Map<CacheKey, PendingFill> fills = new ConcurrentHashMap<>();
    private final AtomicLong databaseVersion = new AtomicLong();
    private final CatalogSource catalog;
    private final CacheCounters counters = new CacheCounters();
    private volatile LongConsumer fillTimes = nanos -> { };
    private final StatementDescriptions descriptions;

    DatabaseCache(String database, CacheSettings settings, CatalogSource catalog) {
        this.database = database;
        this.settings = settings;
        this.catalog = catalog;
        this.descriptions = new StatementDescriptions(settings.maxAge());
        this.store = Caffeine.newBuilder()
                .maximumWeight(settings.maxBytes())
                .weigher((CacheKey key, CachedResult result) -> result.weight(key))
                .expireAfter(Expiry.writing((CacheKey key, CachedResult result) ->
                        Duration.ofNanos(Math.max(0, result.servedUntilNanos() - System.nanoTime()))))
                .recordStats()
                // Maintenance runs on the thread that stores: a hand-off to the common pool costs more on few cores.
                .executor(Runnable::run)
                .build();
    }

    @Override
    public String database() {
        return database;
    }

    public CacheSettings settings() {
        return settings;
    }

    public StatementDescriptions descriptions() {
        return descriptions;
    }

    /** Where the time each stored result took to fetch is reported (the metrics' timer). */
    public void reportFillTimesTo(LongConsumer timer) {
        this.fillTimes = timer;
    }

    public CacheCounters counters() {
        return counters;
    }

    /** The catalog, or {@code null} until it is loaded (nothing is cached meanwhile). */
    Catalog catalog() {
        return catalog.current();
    }

    /** Reads the catalog again through {@code pool} when it is missing, older than max-age, or lacks a name. */
    void refreshCatalog(ServerPool pool, EventLoop loop, boolean unknown) {
        catalog.refresh(pool, loop, settings.maxAge(), unknown);
    }

    /** The invalidation stamp of {@code tables}: changes whenever a write to any of them, or to anything, is seen. */
    long stamp(Collection<String> tables) {
        long sum = databaseVersion.get();
        for (String table : tables) {
            AtomicLong version = tableVersions.get(table);
            if (version != null) {
                sum += version.get();
            }
        }
        return sum;
    }

    private long stamp(String[] tables) {
        return stamp(Arrays.asList(tables));
    }

    /** The entry for {@code key} if it may be served at {@code now}, with what became of the lookup. */
    Lookup lookup(CacheKey key, long now) {
        CachedResult result = store.getIfPresent(key);
        if (result == null) {
            return Lookup.MISS;
        }
        if (result.stamp() != stamp(result.tables())) {
            store.asMap().remove(key, result);
            return Lookup.INVALIDATED;
        }
        if (result.isFresh(now)) {
            return new Lookup(CacheStatus.HIT, result);
        }
        if (result.isServable(now) && !result.claimRefresh()) {
            return new Lookup(CacheStatus.STALE, result);
        }
        // Expired, or this request is the one refresh of a stale entry: it goes to the server.
        return Lookup.MISS;
    }

    /** The fill in flight for {@code key}, or {@code null} after registering {@code mine} as it. */
    PendingFill claimFill(CacheKey key, PendingFill mine) {
        return fills.putIfAbsent(key, mine);
    }

    /** The fill for {@code key} ended: whoever waited for it looks again. */
    void endFill(CacheKey key, PendingFill fill) {
        fills.remove(key, fill);
        fill.end();
    }

    /** What a lookup found: the status, and the result to serve for a hit or a stale entry. */
    record Lookup(CacheStatus status, CachedResult result) {
        static final Lookup MISS = new Lookup(CacheStatus.MISS, null);
        static final Lookup INVALIDATED = new Lookup(CacheStatus.INVALIDATED, null);
    }

    /**
     * Stores a result read with {@code stamp} from a request sent at {@code sentNanos}, unless a write to its
     * tables was seen since.
     */
    void store(CacheKey key, byte[] rowDescription, byte[] rows, String[] tables, long stamp, Duration maxAge,
               long sentNanos) {
        if (stamp != stamp(tables)) {
            counters.invalidated();
            return;
        }
        long now = System.nanoTime();
        fillTimes.accept(now - sentNanos);
        long freshUntil = now + maxAge.toNanos();
        CachedResult previous = store.getIfPresent(key);
        byte[] description = rowDescription == null && previous != null ? previous.rowDescription() : rowDescription;
        store.put(key, new CachedResult(description, rows, tables, stamp, freshUntil,
                freshUntil + settings.staleWhileRevalidate().toNanos()));
    }

    /** A write to {@code tables} was committed (or its transaction ended): their entries are served no more. */
    public void invalidate(Collection<String> tables) {
        for (String table : tables) {
            tableVersions.computeIfAbsent(table, name -> new AtomicLong()).incrementAndGet();
        }
        counters.invalidation();
    }

    /** A statement that may have changed anything ended: every entry goes, and the catalog is read again. */
    public void invalidateAll() {
        databaseVersion.incrementAndGet();
        descriptions.forgetAll();
        catalog.outdated();
        counters.invalidation();
    }

    /** CACHE CLEAR: drops every entry now. */
    public void clear() {
        databaseVersion.incrementAndGet();
        store.invalidateAll();
    }

    @Override
    public long requests(String status) {
        return counters.requests(CacheStatus.valueOf(status.toUpperCase(Locale.ROOT)));
    }

    @Override
    public long invalidations() {
        return counters.invalidations();
    }

    @Override
    public long entries() {
        return store.estimatedSize();
    }

    @Override
    public long bytes() {
        return store.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }

    @Override
    public long coalescedMisses() {
        return counters.coalescedMisses();
    }

    @Override
    public long evictions() {
        return store.stats().evictionCount();
    }

    /** Hit, miss and invalidation counts of one database's cache, for SHOW CACHE and the metrics. */
    public static final class CacheCounters {
        private final Map<CacheStatus, LongAdder> requests = new ConcurrentHashMap<>();
        private final LongAdder invalidations = new LongAdder();
        private final LongAdder racedWrites = new LongAdder();
        private final LongAdder coalesced = new LongAdder();

        void coalesced() {
            coalesced.increment();
        }

        /** Misses that waited for another client's request for the same key instead of going upstream. */
        public long coalescedMisses() {
            return coalesced.sum();
        }

        void count(CacheStatus status) {
            requests.computeIfAbsent(status, s -> new LongAdder()).increment();
        }

        public long requests(CacheStatus status) {
            LongAdder adder = requests.get(status);
            return adder == null ? 0 : adder.sum();
        }

        void invalidation() {
            invalidations.increment();
        }

        void invalidated() {
            racedWrites.increment();
        }

        public long invalidations() {
            return invalidations.sum();
        }
    }
}
