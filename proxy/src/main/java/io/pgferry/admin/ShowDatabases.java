package io.pgferry.admin;

import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.Upstream;
import io.pgferry.context.ProxyContext;
import io.pgferry.pool.Pools;
import io.pgferry.pool.ServerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SHOW DATABASES with PgBouncer's columns, one row per configured database entry. max_connections and
 * current_connections are the database's server limit and its servers open; pgferry has no per-database client
 * limit, so max_client_connections is 0 (none).
 */
final class ShowDatabases {
    static final List<String> COLUMNS = List.of("name", "host", "port", "database", "force_user", "pool_size",
            "min_pool_size", "reserve_pool_size", "server_lifetime", "pool_mode", "load_balance_hosts",
            "max_connections", "current_connections", "max_client_connections", "current_client_connections",
            "paused", "disabled");

    private ShowDatabases() {
    }

    static AdminResult run(ProxyContext context) {
        ProxyConfig config = context.config();
        Pools pools = context.pools();
        List<List<String>> rows = new ArrayList<>();
        for (DatabaseConfig database : config.databases().values()) {
            int servers = 0;
            int clients = 0;
            boolean paused = false;
            for (ServerPool pool : pools.all()) {
                if (config.database(pool.key().database()) == database) {
                    servers += pool.stats().open();
                    clients += pool.clients();
                    paused |= pool.isPaused();
                }
            }
            // Several hosts show as PgBouncer 1.24 shows its host list: comma-separated, with the first's port.
            String hosts = String.join(",", database.upstream().hosts().stream().map(Upstream.Host::name).toList());
            rows.add(new Rows().add(database.name()).add(hosts).add(database.upstream().port())
                    .add(database.upstream().database()).add(database.upstream().user()).add(database.pool().size())
                    .add(database.pool().minIdle()).add(database.pool().reserveSize())
                    .add(database.pool().maxLifetime().toSeconds())
                    .add(database.pool().mode().name().toLowerCase(Locale.ROOT))
                    .add(database.upstream().loadBalance().configName())
                    .add(database.maxConnections()).add(servers).add(0).add(clients).add(paused ? 1 : 0)
                    .add(context.pools().disabledDatabases().contains(database.name()) ? 1 : 0).done());
        }
        return new AdminResult(COLUMNS, rows, "SHOW");
    }
}
