package io.pgferry.config;

/**
 * One name clients connect to; {@code "*"} matches any name not listed and forwards it to the upstream.
 * {@code maxConnections} bounds the servers of all its pools together (PgBouncer: max_db_connections); 0 is no bound.
 * {@code cache} configures the query-result cache of the entry's databases. {@code authQuery} is the entry's own
 * auth_user/auth_query (PgBouncer's per-database ones), or {@code null} for the global one.
 */
public record DatabaseConfig(String name, Upstream upstream, PoolSettings pool, int maxConnections,
                             CacheSettings cache, AuthQueryConfig authQuery) {
    public static final String WILDCARD = "*";

    /** Whether read-only requests go to standbys: read-routing is auto and the upstream names a primary. */
    public boolean routesReads() {
        return pool.readRouting() == ReadRouting.AUTO && upstream.target().wantsPrimary();
    }

    /** The upstream database for a client that asked for {@code requested}. */
    public String upstreamDatabase(String requested) {
        return name.equals(WILDCARD) || upstream.database() == null ? requested : upstream.database();
    }
}
