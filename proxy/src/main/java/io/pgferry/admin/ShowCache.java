package io.pgferry.admin;

import io.pgferry.cache.CacheStatus;
import io.pgferry.cache.DatabaseCache;
import io.pgferry.cache.ResultCaches;
import java.util.ArrayList;
import java.util.List;

/** SHOW CACHE: one row per database whose result cache has been used, with its size and request counts. */
final class ShowCache {
    static final List<String> COLUMNS = List.of("database", "entries", "bytes", "hits", "stale", "misses",
            "uncacheable", "invalidations", "evictions");

    private ShowCache() {
    }

    static AdminResult run(ResultCaches caches) {
        List<List<String>> rows = new ArrayList<>();
        for (DatabaseCache cache : caches.all()) {
            DatabaseCache.CacheCounters counters = cache.counters();
            long refused = 0;
            for (CacheStatus status : CacheStatus.values()) {
                if (status != CacheStatus.HIT && status != CacheStatus.STALE && status != CacheStatus.MISS
                        && status != CacheStatus.INVALIDATED) {
                    refused += counters.requests(status);
                }
            }
            rows.add(new Rows().add(cache.database()).add(cache.entries()).add(cache.bytes())
                    .add(counters.requests(CacheStatus.HIT)).add(counters.requests(CacheStatus.STALE))
                    .add(counters.requests(CacheStatus.MISS)).add(refused).add(counters.invalidations())
                    .add(cache.evictions()).done());
        }
        return new AdminResult(COLUMNS, rows, "SHOW");
    }
}
