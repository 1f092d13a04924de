package io.pgferry;

import io.pgferry.cache.CacheStatus;
import io.pgferry.cache.DatabaseCache;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * What the result-cache tests share: their tables and functions in a real PostgreSQL, a pgferry with the cache on
 * (transaction mode; plain_user in session mode), and ways to read through it and count what reached the server.
 */
final class ResultCacheFixture implements AutoCloseable {
    private static final String ITEM = "select name from cache_items where id = ?";
    private final PostgresServer server;
    private final TestProxy proxy;

    private ResultCacheFixture(PostgresServer server, TestProxy proxy) {
        this.server = server;
        this.proxy = proxy;
    }

    /** Creates the schema, starts pgferry and waits until its cache has read the catalog. */
    static ResultCacheFixture start(PostgresServer postgres) throws SQLException {
        try (Connection admin = postgres.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            statement.execute("DROP TABLE IF EXISTS cache_items");
            statement.execute("CREATE TABLE cache_items (id int PRIMARY KEY, name text)");
            statement.execute("INSERT INTO cache_items VALUES (1, 'one'), (2, 'two')");
            statement.execute("INSERT INTO cache_items SELECT i, 'item ' || i FROM generate_series(10, 29) i");
            statement.execute("INSERT INTO cache_items SELECT i, 'start' FROM generate_series(100, 107) i");
            statement.execute("CREATE OR REPLACE VIEW cache_view AS SELECT random() AS r");
            statement.execute("GRANT SELECT ON cache_view TO PUBLIC");
            for (String schema : List.of("cache_a", "cache_b")) {
                statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                statement.execute("CREATE SCHEMA " + schema);
                statement.execute("CREATE TABLE " + schema + ".cache_paths (v text)");
                statement.execute("INSERT INTO " + schema + ".cache_paths VALUES ('" + schema + "')");
                statement.execute("GRANT USAGE ON SCHEMA " + schema + " TO PUBLIC");
                statement.execute("GRANT SELECT ON " + schema + ".cache_paths TO PUBLIC");
            }
            statement.execute("GRANT ALL ON cache_items TO PUBLIC");
            statement.execute("CREATE SEQUENCE IF NOT EXISTS cache_sequence");
            // Declared IMMUTABLE, though it sleeps: a slow cacheable read, for misses that arrive together.
            statement.execute("CREATE OR REPLACE FUNCTION cache_slow(int) RETURNS int IMMUTABLE LANGUAGE plpgsql "
                    + "AS 'BEGIN PERFORM pg_sleep(0.5); RETURN $1; END'");
            statement.execute("GRANT ALL ON cache_sequence TO PUBLIC");
            statement.execute("CREATE OR REPLACE FUNCTION cache_stable() RETURNS int STABLE LANGUAGE sql AS 'select 7'");
        }
        ResultCacheFixture fixture = new ResultCacheFixture(postgres, TestProxy.start(postgres,
                "pgferry { pool.mode = transaction, databases.app.cache.enabled = true, "
                        + "users.plain_user.pool-mode = session }"));
        // The cache reads the catalog on first use; until then nothing is cached.
        try (Connection client = fixture.connect("")) {
            TestProxy.awaitTrue(() -> {
                read(client, 1);
                read(client, 1);
                return fixture.cache().counters().requests(CacheStatus.HIT) > 0;
            }, "the result cache is ready");
        }
        return fixture;
    }

    PostgresServer server() {
        return server;
    }

    TestProxy proxy() {
        return proxy;
    }

    DatabaseCache cache() {
        return proxy.proxy().context().shared().caches().of("app");
    }

    Connection connect(String parameters) throws SQLException {
        return proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, parameters);
    }

    /** The name of item {@code id}, read with a parameterized pgjdbc statement. */
    static String read(Connection client, int id) {
        try (PreparedStatement statement = client.prepareStatement(ITEM)) {
            statement.setInt(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** The cache's counts by status, for failure messages. */
    String statuses() {
        StringBuilder text = new StringBuilder();
        for (CacheStatus status : CacheStatus.values()) {
            text.append(status.label()).append('=').append(cache().counters().requests(status)).append(' ');
        }
        return text.toString();
    }

    /** Statements of one query tree share a pg_stat_statements row whatever their aliases: counts start afresh. */
    void resetServerCounts() throws SQLException {
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("select pg_stat_statements_reset()");
        }
    }

    /** How many times PostgreSQL ran statements whose text contains {@code fragment}. */
    long serverCalls(String fragment) throws SQLException {
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             PreparedStatement statement = admin.prepareStatement("select coalesce(sum(calls), 0) from "
                     + "pg_stat_statements where query like ? and query not like '%pg_stat_statements%'")) {
            statement.setString(1, "%" + fragment + "%");
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    @Override
    public void close() {
        proxy.close();
    }
}
