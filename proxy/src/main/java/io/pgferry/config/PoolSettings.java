package io.pgferry.config;

import java.time.Duration;

/**
 * Pool knobs for one database (defaults from {@code pgferry.pool}, overridden per database).
 *
 * @param acquireTimeout how long a client waits for a server before it gets an error (PgBouncer's query_wait_timeout)
 * @param maxLifetime    a server link older than this (minus up to {@code lifetimeJitter} of it) is closed when released
 * @param loginRetry     after a failed server login, how long new clients are refused with that error before the
 *                       next attempt (PgBouncer: server_login_retry)
 * @param reserveSize    extra servers a pool may open once a client has waited {@code reserveTimeout}
 * @param queryTimeout   a request running longer closes its server and client (PgBouncer: query_timeout); 0 never
 * @param transactionTimeout a transaction open longer closes its server and client; 0 never
 * @param failoverBufferTimeout how long clients wait for a server while the upstream, which worked before, cannot
 *                       be reached (a failover or restart), instead of getting the login error at once; 0 never
 * @param serverCheckDelay a link idle longer runs {@code serverCheckQuery} before serving again ("" never)
 * @param readRouting    whether read-only requests of transaction- and statement-pooled clients go to standbys
 * @param readYourWritesWindow a client that wrote within this keeps reading from the primary
 */
public record PoolSettings(PoolMode mode, int size, int minIdle, Duration acquireTimeout, Duration idleTimeout,
                           Duration maxLifetime, double lifetimeJitter, Duration connectTimeout, String resetQuery,
                           Duration loginRetry, int reserveSize, Duration reserveTimeout, Duration queryTimeout,
                           Duration transactionTimeout, Duration failoverBufferTimeout, Duration serverCheckDelay,
                           String serverCheckQuery, ReadRouting readRouting, Duration readYourWritesWindow) {
}
