package io.pgferry.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.config.CacheSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatabaseCacheTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private static DatabaseCache cache(long maxBytes) {
        return new DatabaseCache("app", new CacheSettings(true, MINUTE, Duration.ofSeconds(15), maxBytes, maxBytes),
                new CatalogSource());
    }

    private static CacheKey key(String sql) {
        return new CacheKey("alice", "settings", sql.getBytes(StandardCharsets.UTF_8));
    }

    private static void store(DatabaseCache cache, String sql, int rowBytes, String table) {
        String[] tables = {table};
        cache.store(key(sql), new byte[30], new byte[rowBytes], tables, cache.stamp(Set.of(table)), MINUTE,
                System.nanoTime());
    }

    @Test
    void tenMebibytesOfResultsStayWithinOneMebibyte() {
        DatabaseCache cache = cache(1 << 20);
        for (int i = 0; i < 10 * 1024; i++) {
            store(cache, "select " + i, 1024, "t");
        }
        assertTrue(cache.bytes() <= 1 << 20, "weighed size " + cache.bytes());
        assertTrue(cache.entries() < 1024, "entries " + cache.entries());
        assertTrue(cache.evictions() > 0);
    }

    @Test
    void aWriteToATableMakesItsEntriesUnservableAndOthersStay() {
        DatabaseCache cache = cache(1 << 20);
        store(cache, "select a", 10, "a");
        store(cache, "select b", 10, "b");
        cache.invalidate(List.of("a"));
        assertEquals(CacheStatus.INVALIDATED, cache.lookup(key("select a"), System.nanoTime()).status());
        assertEquals(CacheStatus.HIT, cache.lookup(key("select b"), System.nanoTime()).status());
        cache.invalidateAll();
        assertEquals(CacheStatus.INVALIDATED, cache.lookup(key("select b"), System.nanoTime()).status());
    }

    @Test
    void aReadThatRacedAWriteIsNotStored() {
        DatabaseCache cache = cache(1 << 20);
        long stampBeforeTheRead = cache.stamp(Set.of("a"));
        cache.invalidate(List.of("a"));
        String[] tables = {"a"};
        cache.store(key("select a"), new byte[30], new byte[10], tables, stampBeforeTheRead, MINUTE, System.nanoTime());
        assertNull(cache.lookup(key("select a"), System.nanoTime()).result());
    }

    @Test
    void aStaleEntryIsServedWhileExactlyOneRequestRefreshesIt() {
        DatabaseCache cache = cache(1 << 20);
        String[] tables = {"a"};
        cache.store(key("select a"), new byte[30], new byte[10], tables, cache.stamp(Set.of("a")), Duration.ofNanos(1),
                System.nanoTime());
        long later = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        assertEquals(CacheStatus.MISS, cache.lookup(key("select a"), later).status(), "the refresher goes upstream");
        DatabaseCache.Lookup stale = cache.lookup(key("select a"), later);
        assertEquals(CacheStatus.STALE, stale.status());
        assertNotNull(stale.result());
    }
}
