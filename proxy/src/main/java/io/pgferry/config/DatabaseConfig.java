package io.pgferry.config;

/** One name clients connect to; {@code "*"} matches any name not listed and forwards it to the upstream. */
public record DatabaseConfig(String name, Upstream upstream, PoolSettings pool) {
    public static final String WILDCARD = "*";

    /** The upstream database for a client that asked for {@code requested}. */
    public String upstreamDatabase(String requested) {
        return name.equals(WILDCARD) || upstream.database() == null ? requested : upstream.database();
    }
}
