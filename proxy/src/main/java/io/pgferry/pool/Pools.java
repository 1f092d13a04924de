package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pgferry.auth.PassThroughKeys;
import io.pgferry.backend.HostMonitor;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.PoolMode;
import io.pgferry.config.PoolSettings;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.UserConfig;
import io.pgferry.metrics.PoolActivity;
import io.pgferry.protocol.SqlState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * All pools of the proxy, created on first use per {@link PoolKey}, and the connection limits they share per
 * database and per upstream user. A pool of a database name that only the {@code "*"} entry matched is an auto pool:
 * there are at most max-auto-pools of them; one whose upstream never accepted it goes as soon as its last client
 * leaves, and one unused for autodb-idle-timeout goes at housekeeping, with its limits' entries and its meters, so
 * made-up database names leave nothing behind (issue 22.4). Thread-safe.
 */
public final class Pools {
    /** A health check's login may take this long even when health-check-interval is shorter. */
    private static final Duration MIN_CHECK_TIMEOUT = Duration.ofSeconds(1);
    private final Map<PoolKey, ServerPool> pools = new ConcurrentHashMap<>();
    private final Map<String, ConnectionLimit> databaseLimits = new ConcurrentHashMap<>();
    private final Map<String, ConnectionLimit> userLimits = new ConcurrentHashMap<>();
    /** Auto pools and when each was last seen without clients (0 while it has some); guarded by {@code this}. */
    private final Map<ServerPool, Long> autoPools = new HashMap<>();
    private final ServerConnector connector;
    private final PassThroughKeys passThroughKeys;
    private final Supplier<ProxyConfig> config;
    private final Function<PoolKey, PoolActivity> meters;
    private final Consumer<ServerPool> created;
    private final Consumer<ServerPool> removed;
    private final Set<String> disabledDatabases = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    /** Created on the first housekeeping pass, on that pass's loop; checks hosts every health-check-interval. */
    private volatile HostMonitor hostMonitor;
    private long lastHealthCheckNanos;

    /**
     * {@code meters} gives each new pool the meters it reports to; {@code created} hears of each new pool once,
     * {@code removed} of each pool retired (its meters are to go).
     */
    public Pools(ServerConnector connector, Supplier<ProxyConfig> config, Function<PoolKey, PoolActivity> meters,
                 Consumer<ServerPool> created, Consumer<ServerPool> removed, PassThroughKeys passThroughKeys) {
        this.connector = connector;
        this.passThroughKeys = passThroughKeys;
        this.config = config;
        this.meters = meters;
        this.created = created;
        this.removed = removed;
    }

    /**
     * Decides where a client of {@code database}, logged in to pgferry as {@code user} (its entry, or {@code null}
     * for a user only the upstream knows), goes: the database entry (or {@code "*"}), whether it is disabled or
     * pgferry is draining, the upstream user and password (the entry's shared login, or the client's own), the pool
     * key and the pool mode. On {@link Route.ToPool} the caller has joined the pool, and with {@code routeReads}
     * also the pool of the entry's standbys when its read-routing is auto and the client's mode gives servers back.
     */
    public Route route(String database, String user, UserConfig userEntry, boolean routeReads) {
        ProxyConfig current = config.get();
        DatabaseConfig entry = current.database(database);
        if (entry == null) {
            return new Route.Refused(SqlState.INVALID_CATALOG_NAME, "database \"" + database + "\" does not exist");
        }
        if (draining) {
            return new Route.Refused(SqlState.ADMIN_SHUTDOWN, "pgferry is shutting down");
        }
        if (disabledDatabases.contains(database)) {
            return new Route.Refused(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "database \"" + database + "\" does not allow connections (DISABLE)");
        }
        boolean sharedLogin = entry.upstream().user() != null;
        String upstreamUser = sharedLogin ? entry.upstream().user() : user;
        String password = sharedLogin ? entry.upstream().password() : userEntry == null ? null : userEntry.plainPassword();
        // A user known only by a SCRAM verifier logs in upstream with the keys its clients' SCRAM proofs revealed.
        boolean passThrough = !sharedLogin && password == null && userEntry != null && userEntry.scram() != null;
        ServerConnector.Login login = new ServerConnector.Login(entry.upstream(), entry.upstreamDatabase(database),
                upstreamUser, password, passThrough ? () -> passThroughKeys.of(userEntry.scram()) : () -> null);
        PoolMode mode = userEntry != null && userEntry.poolMode() != null ? userEntry.poolMode() : entry.pool().mode();
        boolean withReads = routeReads && mode != PoolMode.SESSION && entry.routesReads();
        ServerPool pool = null;
        try {
            pool = join(new PoolKey(database, upstreamUser, false), login, entry.pool());
            ServerPool reads = withReads
                    ? join(new PoolKey(database, upstreamUser, true), login.forReads(), entry.pool()) : null;
            return new Route.ToPool(pool, mode, reads);
        } catch (AutoPoolsExhausted e) {
            if (pool != null) {
                leave(pool);
            }
            return new Route.Refused(SqlState.TOO_MANY_CONNECTIONS, e.getMessage());
        }
    }

    /** DISABLE and ENABLE: new clients of a disabled database are refused. */
    public Set<String> disabledDatabases() {
        return disabledDatabases;
    }

    /** Shutdown began: no new client gets a pool. */
    public void startDraining() {
        draining = true;
    }

    public boolean isDraining() {
        return draining;
    }

    /**
     * The pool for {@code key}, created if needed, with the caller counted as one of its clients (give it back with
     * {@link #leave}). Throws {@link AutoPoolsExhausted} if it would be an auto pool beyond max-auto-pools.
     */
    public ServerPool join(PoolKey key, ServerConnector.Login login, PoolSettings settings) {
        while (true) {
            ServerPool pool = pools.get(key);
            if (pool == null) {
                pool = create(key, login, settings);
            }
            if (pool.members().tryJoin()) {
                return pool;
            }
        }
    }

    private synchronized ServerPool create(PoolKey key, ServerConnector.Login login, PoolSettings settings) {
        ServerPool existing = pools.get(key);
        if (existing != null) {
            return existing;
        }
        ProxyConfig current = config.get();
        boolean auto = !current.databases().containsKey(key.database());
        if (auto && autoPools.size() >= current.maxAutoPools()) {
            throw new AutoPoolsExhausted(current.maxAutoPools());
        }
        ConnectionLimit databaseLimit = databaseLimits.computeIfAbsent(key.database(), name -> new ConnectionLimit(
                () -> {
                    DatabaseConfig database = config.get().database(name);
                    return database == null ? 0 : database.maxConnections();
                }));
        ConnectionLimit userLimit = userLimits.computeIfAbsent(key.user(),
                name -> new ConnectionLimit(() -> config.get().maxUserConnections(name)));
        PoolLimits limits = new PoolLimits(databaseLimit, userLimit);
        ServerPool pool = new ServerPool(key, (loop, timeout) -> connector.connect(loop, login, timeout), settings,
                meters.apply(key), limits, connector.hosts()::unfit);
        limits.join(pool);
        pools.put(key, pool);
        if (auto) {
            autoPools.put(pool, 0L);
        }
        created.accept(pool);
        return pool;
    }

    /** A client of {@code pool} left: an auto pool that the upstream never accepted goes with its last client. */
    public void leave(ServerPool pool) {
        if (pool.members().leave() == 0 && !pool.accepted() && isAuto(pool)) {
            retire(pool);
        }
    }

    private synchronized boolean isAuto(ServerPool pool) {
        return autoPools.containsKey(pool);
    }

    private synchronized void retire(ServerPool pool) {
        if (!pool.tryRetire()) {
            return;
        }
        // Meters go first, so whoever sees the pool gone also sees its series gone.
        removed.accept(pool);
        PoolLimits limits = pool.limits();
        limits.leave(pool);
        if (limits.database().isUnused()) {
            databaseLimits.remove(pool.key().database(), limits.database());
        }
        autoPools.remove(pool);
        pools.remove(pool.key(), pool);
    }

    /** Housekeeping: retires auto pools without clients for autodb-idle-timeout, or never accepted upstream. */
    private void retireIdleAutoPools(long now) {
        long timeout = config.get().autodbIdleTimeout().toNanos();
        List<ServerPool> due = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<ServerPool, Long> entry : autoPools.entrySet()) {
                ServerPool pool = entry.getKey();
                if (pool.clients() > 0) {
                    entry.setValue(0L);
                } else if (entry.getValue() == 0L) {
                    entry.setValue(now);
                }
                long since = entry.getValue();
                if (since != 0L && (!pool.accepted() || timeout > 0 && now - since >= timeout)) {
                    due.add(pool);
                }
            }
        }
        due.forEach(this::retire);
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
        ProxyConfig current = config.get();
        pools.values().forEach(pool -> pool.housekeep(loop, current.statsPeriod()));
        long now = System.nanoTime();
        retireIdleAutoPools(now);
        checkHosts(loop, current, now);
    }

    /** Starts the hosts' health checks when health-check-interval has passed since the last; housekeeping's thread. */
    private synchronized void checkHosts(EventLoop loop, ProxyConfig current, long now) {
        Duration interval = current.healthCheckInterval();
        if (interval.isZero() || now - lastHealthCheckNanos < interval.toNanos()) {
            return;
        }
        lastHealthCheckNanos = now;
        if (hostMonitor == null) {
            hostMonitor = new HostMonitor(connector, loop);
        }
        hostMonitor.checkAll(interval.compareTo(MIN_CHECK_TIMEOUT) < 0 ? MIN_CHECK_TIMEOUT : interval,
                current.maxReplicaLag());
    }

    public void closeAll() {
        pools.values().forEach(pool -> pool.close("pgferry is shutting down"));
        if (hostMonitor != null) {
            hostMonitor.close();
        }
    }

    /** Closes every server link, in use or not (the proxy is stopping); the future completes when all are closed. */
    public ChannelGroupFuture closeAllLinks() {
        ChannelGroup links = new DefaultChannelGroup("server links", GlobalEventExecutor.INSTANCE);
        pools.values().forEach(pool -> pool.links().forEach(link -> {
            link.close("pgferry is shutting down");
            links.add(link.channel());
        }));
        return links.close();
    }
}
