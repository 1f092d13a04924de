package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.PoolSettings;
import io.pgferry.config.ProxyConfig;
import io.pgferry.metrics.PoolActivity;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * All pools of the proxy, created on first use per {@link PoolKey}, and the connection limits they share per
 * database and per upstream user. Thread-safe.
 */
public final class Pools {
    private final Map<PoolKey, ServerPool> pools = new ConcurrentHashMap<>();
    private final Map<String, ConnectionLimit> databaseLimits = new ConcurrentHashMap<>();
    private final Map<String, ConnectionLimit> userLimits = new ConcurrentHashMap<>();
    private final ServerConnector connector;
    private final Supplier<ProxyConfig> config;
    private final Function<PoolKey, PoolActivity> meters;
    private final Consumer<ServerPool> created;

    /** {@code meters} gives each new pool the meters it reports to; {@code created} hears of each new pool once. */
    public Pools(ServerConnector connector, Supplier<ProxyConfig> config, Function<PoolKey, PoolActivity> meters,
                 Consumer<ServerPool> created) {
        this.connector = connector;
        this.config = config;
        this.meters = meters;
        this.created = created;
    }

    public ServerPool pool(PoolKey key, ServerConnector.Login login, PoolSettings settings) {
        ServerPool existing = pools.get(key);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            existing = pools.get(key);
            if (existing != null) {
                return existing;
            }
            ConnectionLimit databaseLimit = databaseLimits.computeIfAbsent(key.database(), name -> new ConnectionLimit(
                    () -> {
                        DatabaseConfig database = config.get().database(name);
                        return database == null ? 0 : database.maxConnections();
                    }));
            ConnectionLimit userLimit = userLimits.computeIfAbsent(key.user(),
                    name -> new ConnectionLimit(() -> config.get().maxUserConnections(name)));
            PoolLimits limits = new PoolLimits(databaseLimit, userLimit);
            ServerPool pool = new ServerPool(key, connector, login, settings, meters.apply(key), limits);
            limits.join(pool);
            pools.put(key, pool);
            created.accept(pool);
            return pool;
        }
    }

    public Collection<ServerPool> all() {
        return pools.values();
    }

    /** The pools of database {@code name} as clients call it. */
    public List<ServerPool> ofDatabase(String name) {
        return pools.values().stream().filter(pool -> pool.key().database().equals(name)).toList();
    }

    /** Servers open under a database's limit, and that limit (0 for none): SHOW DATABASES' two columns. */
    public int[] databaseConnections(String name) {
        ConnectionLimit limit = databaseLimits.get(name);
        return limit == null ? new int[] {0, 0} : new int[] {limit.used(), Math.max(0, limit.max())};
    }

    public int userConnections(String user) {
        ConnectionLimit limit = userLimits.get(user);
        return limit == null ? 0 : limit.used();
    }

    public void housekeep(EventLoop loop) {
        Duration period = config.get().statsPeriod();
        pools.values().forEach(pool -> pool.housekeep(loop, period));
    }

    public void closeAll() {
        pools.values().forEach(ServerPool::close);
    }

    /** Closes every server link, in use or not (the proxy is stopping); the future completes when all are closed. */
    public ChannelGroupFuture closeAllLinks() {
        ChannelGroup links = new DefaultChannelGroup("server links", GlobalEventExecutor.INSTANCE);
        pools.values().forEach(pool -> pool.links().forEach(link -> links.add(link.channel())));
        return links.close();
    }
}
