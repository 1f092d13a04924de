package io.pgferry.config;

import java.time.Duration;

/**
 * The query-result cache of one database entry (defaults from {@code pgferry.cache}, overridden per entry).
 *
 * @param maxAge               an entry older than this is not served as fresh (Hyperdrive's max_age)
 * @param staleWhileRevalidate for this long past {@code maxAge} an entry is still served while one client refreshes it
 * @param maxBytes             the store's size, weighted by the bytes of each result
 * @param maxResultBytes       a larger result is passed to the client but not stored
 */
public record CacheSettings(boolean enabled, Duration maxAge, Duration staleWhileRevalidate, long maxBytes,
                            long maxResultBytes) {
}
