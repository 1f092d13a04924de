package io.pgferry.admin;

import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.ProxyConfig;
import io.pgferry.pool.Pools;
import io.pgferry.pool.ServerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SHOW DATABASES with PgBouncer's columns, one row per configured database entry. Limits pgferry does not have yet
 * (reserve pool, max_db_connections, pause, disable) show as 0, PgBouncer's value for "none".
 */
final class ShowDatabases {
    static final List<String> COLUMNS = List.of("name", "host", "port", "database", "force_user", "pool_size",
            "min_pool_size", "reserve_pool_size", "server_lifetime", "pool_mode", "load_balance_hosts",
            "max_connections", "current_connections", "max_client_connections", "current_client_connections",
            "paused", "disabled");

    private ShowDatabases() {
    }

    static AdminResult run(ProxyConfig config, Pools pools) {
        List<List<String>> rows = new ArrayList<>();
        for (DatabaseConfig database : config.databases().values()) {
            int servers = 0;
            int clients = 0;
            for (ServerPool pool : pools.all()) {
                if (config.database(pool.key().database()) == database) {
                    servers += pool.stats().open();
                    clients += pool.clients();
                }
            }
            List<String> row = new ArrayList<>();
            row.add(database.name());
            row.add(database.upstream().host());
            row.add(Integer.toString(database.upstream().port()));
            row.add(database.upstream().database());
            row.add(database.upstream().user());
            row.add(Integer.toString(database.pool().size()));
            row.add(Integer.toString(database.pool().minIdle()));
            row.add("0");
            row.add(Long.toString(database.pool().maxLifetime().toSeconds()));
            row.add(database.pool().mode().name().toLowerCase(Locale.ROOT));
            row.add("");
            row.add("0");
            row.add(Integer.toString(servers));
            row.add("0");
            row.add(Integer.toString(clients));
            row.add("0");
            row.add("0");
            rows.add(row);
        }
        return new AdminResult(COLUMNS, rows, "SHOW");
    }
}
