package io.pgferry.cache;

import io.pgferry.config.CacheSettings;
import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.ProxyConfig;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The result caches, one per database name clients use, made when a client of a database whose entry enables the
 * cache first needs it; a reload that changes an entry's cache settings starts its databases' caches afresh.
 * Thread-safe.
 */
public final class ResultCaches {
    private final Supplier<ProxyConfig> config;
    private final Function<DatabaseCache, LongConsumer> created;
    private final StatementAnalyzer analyzer = new StatementAnalyzer();
    private final Map<String, DatabaseCache> caches = new ConcurrentHashMap<>();
    private final Map<String, CatalogSource> catalogs = new ConcurrentHashMap<>();

    /** {@code created} hears of each new cache and returns where its fill times go (its metrics are bound there). */
    public ResultCaches(Supplier<ProxyConfig> config, Function<DatabaseCache, LongConsumer> created) {
        this.config = config;
        this.created = created;
    }

    public StatementAnalyzer analyzer() {
        return analyzer;
    }

    /** The catalog of {@code database}, shared by its cache and its read routing. */
    public CatalogSource catalog(String database) {
        return catalogs.computeIfAbsent(database, name -> new CatalogSource());
    }

    /** The cache of {@code database}, or {@code null} if its entry does not enable one. */
    public DatabaseCache of(String database) {
        DatabaseConfig entry = config.get().database(database);
        if (entry == null || !entry.cache().enabled()) {
            return null;
        }
        CacheSettings settings = entry.cache();
        DatabaseCache existing = caches.get(database);
        if (existing != null && existing.settings().equals(settings)) {
            return existing;
        }
        DatabaseCache fresh = new DatabaseCache(database, settings, catalog(database));
        DatabaseCache raced = existing == null ? caches.putIfAbsent(database, fresh)
                : caches.replace(database, existing, fresh) ? null : caches.get(database);
        if (raced != null) {
            return raced;
        }
        fresh.reportFillTimesTo(created.apply(fresh));
        return fresh;
    }

    /** The caches made so far, for SHOW CACHE. */
    public Collection<DatabaseCache> all() {
        return caches.values();
    }

    /** CACHE CLEAR: every database's entries, or {@code database}'s only ({@code null} for all). */
    public int clear(String database) {
        int cleared = 0;
        for (DatabaseCache cache : caches.values()) {
            if (database == null || cache.database().equals(database)) {
                cache.clear();
                cleared++;
            }
        }
        return cleared;
    }
}
