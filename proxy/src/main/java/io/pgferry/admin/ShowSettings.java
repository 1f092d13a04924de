package io.pgferry.admin;

import io.pgferry.config.ProxyConfig;
import io.pgferry.config.UserConfig;
import io.pgferry.context.ClientInfo;
import io.pgferry.context.ProxyContext;
import io.pgferry.pool.ServerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** SHOW USERS, SHOW CONFIG, SHOW LISTS and SHOW STATE: the proxy's settings and inventory, in PgBouncer's columns. */
final class ShowSettings {
    static final List<String> USERS = List.of("name", "pool_size", "reserve_pool_size", "pool_mode",
            "max_user_connections", "current_connections", "max_user_client_connections", "current_client_connections");
    static final List<String> CONFIG = List.of("key", "value", "default", "changeable");
    static final List<String> LISTS = List.of("list", "items");
    static final List<String> STATE = List.of("key", "value");

    private ShowSettings() {
    }

    static AdminResult users(ProxyContext context) {
        ProxyConfig config = context.config();
        Map<String, Long> clientsByUser = context.clients().describe().stream()
                .collect(Collectors.groupingBy(ClientInfo::user, Collectors.counting()));
        List<List<String>> rows = new ArrayList<>();
        for (UserConfig user : config.users().values()) {
            long clients = clientsByUser.getOrDefault(user.name(), 0L);
            rows.add(new Rows().add(user.name()).add("").add("").add(user.poolMode() == null ? ""
                            : user.poolMode().name().toLowerCase(Locale.ROOT))
                    .add(config.maxUserConnections(user.name())).add(context.pools().userConnections(user.name()))
                    .add(0).add(clients).done());
        }
        return new AdminResult(USERS, rows, "SHOW");
    }

    /** The settings PgBouncer operators look for, by PgBouncer's names, with pgferry's values. */
    static AdminResult config(ProxyConfig config) {
        var pool = config.databases().values().stream().findFirst().map(db -> db.pool()).orElse(null);
        List<List<String>> rows = new ArrayList<>();
        row(rows, "listen_addr", config.listen().getHostString(), "127.0.0.1", false);
        row(rows, "listen_port", config.listen().getPort(), 6432, false);
        row(rows, "max_client_conn", config.maxClientConnections(), 100, true);
        row(rows, "max_prepared_statements", config.maxPreparedStatements(), 200, false);
        row(rows, "client_login_timeout", config.clientLoginTimeout().toSeconds(), 60, true);
        row(rows, "client_idle_timeout", config.clientIdleTimeout().toSeconds(), 0, true);
        row(rows, "idle_transaction_timeout", config.idleTransactionTimeout().toSeconds(), 0, true);
        row(rows, "cancel_wait_timeout", config.cancelWaitTimeout().toSeconds(), 10, true);
        row(rows, "stats_period", config.statsPeriod().toSeconds(), 60, true);
        row(rows, "max_user_connections", config.maxUserConnections(), 0, true);
        row(rows, "auth_type", config.defaultAuthMethod().configName(), "scram-sha-256", true);
        row(rows, "admin_users", String.join(",", config.adminUsers()), "", true);
        row(rows, "stats_users", String.join(",", config.statsUsers()), "", true);
        row(rows, "log_format", config.logFormat().name().toLowerCase(Locale.ROOT), "text", false);
        if (pool != null) {
            row(rows, "pool_mode", pool.mode().name().toLowerCase(Locale.ROOT), "session", true);
            row(rows, "default_pool_size", pool.size(), 20, true);
            row(rows, "min_pool_size", pool.minIdle(), 0, true);
            row(rows, "reserve_pool_size", pool.reserveSize(), 0, true);
            row(rows, "reserve_pool_timeout", pool.reserveTimeout().toSeconds(), 5, true);
            row(rows, "query_wait_timeout", pool.acquireTimeout().toSeconds(), 120, true);
            row(rows, "query_timeout", pool.queryTimeout().toSeconds(), 0, true);
            row(rows, "transaction_timeout", pool.transactionTimeout().toSeconds(), 0, true);
            row(rows, "server_lifetime", pool.maxLifetime().toSeconds(), 3600, true);
            row(rows, "server_idle_timeout", pool.idleTimeout().toSeconds(), 600, true);
            row(rows, "server_connect_timeout", pool.connectTimeout().toSeconds(), 15, true);
            row(rows, "server_login_retry", pool.loginRetry().toSeconds(), 15, true);
            row(rows, "server_reset_query", pool.resetQuery(), "DISCARD ALL", true);
        }
        return new AdminResult(CONFIG, rows, "SHOW");
    }

    private static void row(List<List<String>> rows, String key, Object value, Object defaultValue, boolean changeable) {
        rows.add(new Rows().add(key).add(value).add(defaultValue).add(changeable ? "yes" : "no").done());
    }

    static AdminResult lists(ProxyContext context) {
        var clients = context.clients().describe();
        long usedClients = clients.stream().filter(client -> !client.state().equals("idle")).count();
        int servers = 0;
        int idleServers = 0;
        for (ServerPool pool : context.pools().all()) {
            var stats = pool.stats();
            servers += stats.open();
            idleServers += stats.idle() + stats.parked();
        }
        int loggingIn = Math.max(0, context.clientChannels().size() - clients.size());
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("databases", Integer.toString(context.config().databases().size())));
        rows.add(List.of("users", Integer.toString(context.config().users().size())));
        rows.add(List.of("peers", "0"));
        rows.add(List.of("pools", Integer.toString(context.pools().all().size())));
        rows.add(List.of("peer_pools", "0"));
        rows.add(List.of("free_clients", Long.toString(clients.size() - usedClients)));
        rows.add(List.of("used_clients", Long.toString(usedClients)));
        rows.add(List.of("login_clients", Integer.toString(loggingIn)));
        rows.add(List.of("free_servers", Integer.toString(idleServers)));
        rows.add(List.of("used_servers", Integer.toString(servers - idleServers)));
        for (String dns : List.of("dns_names", "dns_zones", "dns_queries", "dns_pending")) {
            rows.add(List.of(dns, "0"));
        }
        return new AdminResult(LISTS, rows, "SHOW");
    }

    static AdminResult state(ProxyContext context) {
        boolean paused = !context.pools().all().isEmpty() && context.pools().all().stream().allMatch(ServerPool::isPaused);
        return new AdminResult(STATE, List.of(List.of("active", paused ? "no" : "yes"),
                List.of("paused", paused ? "yes" : "no"), List.of("suspended", "no")), "SHOW");
    }
}
