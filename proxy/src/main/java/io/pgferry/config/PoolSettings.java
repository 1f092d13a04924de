package io.pgferry.config;

import java.time.Duration;

/**
 * Pool knobs for one database (defaults from {@code pgferry.pool}, overridden per database).
 *
 * @param acquireTimeout how long a client waits for a server before it gets an error (PgBouncer's query_wait_timeout)
 * @param maxLifetime    a server link older than this (minus up to {@code lifetimeJitter} of it) is closed when released
 */
public record PoolSettings(PoolMode mode, int size, int minIdle, Duration acquireTimeout, Duration idleTimeout,
                           Duration maxLifetime, double lifetimeJitter, Duration connectTimeout, String resetQuery) {
}
