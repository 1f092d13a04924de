package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.PoolSettings;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** All pools of the proxy, created on first use per {@link PoolKey}. Thread-safe. */
public final class Pools {
    private final Map<PoolKey, ServerPool> pools = new ConcurrentHashMap<>();
    private final ServerConnector connector;

    public Pools(ServerConnector connector) {
        this.connector = connector;
    }

    public ServerPool pool(PoolKey key, ServerConnector.Login login, PoolSettings settings) {
        return pools.computeIfAbsent(key, k -> new ServerPool(k, connector, login, settings));
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
