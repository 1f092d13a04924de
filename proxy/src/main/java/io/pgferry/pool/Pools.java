package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.PoolSettings;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** All pools of the proxy, created on first use per {@link PoolKey}. Thread-safe. */
public final class Pools {
    private final Map<PoolKey, ServerPool> pools = new ConcurrentHashMap<>();
    private final ServerConnector connector;
    private final Consumer<ServerPool> created;

    /** {@code created} hears of each new pool once (the metrics bind its gauges). */
    public Pools(ServerConnector connector, Consumer<ServerPool> created) {
        this.connector = connector;
        this.created = created;
    }

    public ServerPool pool(PoolKey key, ServerConnector.Login login, PoolSettings settings) {
        ServerPool existing = pools.get(key);
        if (existing != null) {
            return existing;
        }
        ServerPool pool = new ServerPool(key, connector, login, settings);
        ServerPool raced = pools.putIfAbsent(key, pool);
        if (raced != null) {
            return raced;
        }
        created.accept(pool);
        return pool;
    }

    public Collection<ServerPool> all() {
        return pools.values();
    }

    public void housekeep(EventLoop loop) {
        pools.values().forEach(pool -> pool.housekeep(loop));
    }

    public void closeAll() {
        pools.values().forEach(ServerPool::close);
    }
}
