package io.pgferry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.pgferry.config.Upstream;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.pgferry.prepared.StatementRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntBiFunction;

/**
 * The proxy's Prometheus registry. Gauges read pool counters and registries when scraped, so the hot path pays
 * nothing; tags are bounded by the configured databases and users. Thread-safe.
 */
public final class ProxyMetrics implements AutoCloseable {
    /** Functions the meters read that nothing else holds: Micrometer keeps a meter's object only weakly. */
    private final List<Object> meterSources = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** How often the meters' wall clock is read: the decaying maxima rotate every 20 s, so a second is plenty. */
    public static final long CLOCK_TICK_MILLIS = 1000;
    private final TickingClock clock = new TickingClock();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
            new PrometheusRegistry(), clock);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final Counter loginsOk;
    private final Counter loginsFailed;
    /** What becomes of a CancelRequest: sent to the server, nothing running, a wait ended, no such client. */
    private static final List<String> CANCEL_OUTCOMES = List.of("forwarded", "idle", "dequeued", "unknown");
    private final Map<String, Counter> cancels = new ConcurrentHashMap<>();
    private final Map<String, Counter> proxyErrors = new ConcurrentHashMap<>();
    private final Map<String, Counter> edgeRequests = new ConcurrentHashMap<>();

    public ProxyMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        loginsOk = Counter.builder("pgferry.client.logins").tag("result", "ok")
                .description("Client login attempts, by result").register(registry);
        loginsFailed = Counter.builder("pgferry.client.logins").tag("result", "failed")
                .description("Client login attempts, by result").register(registry);
        // Present (at 0) from the start, so dashboards and rate() see them before their first event.
        for (String outcome : CANCEL_OUTCOMES) {
            cancelCounter(outcome);
        }
    }

    /** Refreshes the meters' wall clock; the proxy calls it every {@link #CLOCK_TICK_MILLIS}. */
    public void tickClock() {
        clock.tick();
    }

    /** A client finished authenticating ({@code ok}) or was refused. */
    public void clientLogin(boolean ok) {
        (ok ? loginsOk : loginsFailed).increment();
    }

    /**
     * A CancelRequest arrived: {@code forwarded} to a server, {@code dequeued} (the client was waiting for one),
     * {@code idle} (nothing to cancel) or {@code unknown} (no such key).
     */
    /** A request the edge listener answered: {@code endpoint} sql or websocket, with the HTTP status it got. */
    public void edgeRequest(String endpoint, int status) {
        edgeRequests.computeIfAbsent(endpoint + ' ' + status, key -> Counter.builder("pgferry.edge.requests")
                .tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .description("Requests to the edge listener, by endpoint and HTTP status").register(registry))
                .increment();
    }

    public void cancelRequest(String outcome) {
        cancelCounter(outcome).increment();
    }

    private Counter cancelCounter(String outcome) {
        return cancels.computeIfAbsent(outcome, o -> Counter.builder("pgferry.cancel.requests").tag("outcome", o)
                .description("Cancel requests from clients, by what became of them").register(registry));
    }

    /** pgferry itself answered a client with an error (pool timeout, refused login, protocol violation...). */
    public void proxyError(String sqlState) {
        String sqlClass = sqlState.length() >= 2 ? sqlState.substring(0, 2) : "??";
        proxyErrors.computeIfAbsent(sqlClass, c -> Counter.builder("pgferry.errors")
                .tags("class", c, "source", "pgferry", "database", "", "user", "")
                .description("ErrorResponses sent to clients, by SQLSTATE class and by who raised them")
                .register(registry)).increment();
    }

    /** The meters a pool of {@code database} and upstream {@code user} reports to. */
    public PoolActivity meters(String database, String user) {
        return new PoolMeters(registry, Tags.of("database", database, "user", user));
    }

    /** Gauges for what every client connection shares: how many are open, and the statement registry. */
    public void bindClients(IntSupplier connected, StatementRegistry statements) {
        meterSources.add(connected);
        Gauge.builder("pgferry.clients.connected", connected, IntSupplier::getAsInt)
                .description("Client connections open").register(registry);
        Gauge.builder("pgferry.prepared.statements", statements, StatementRegistry::size)
                .description("Distinct prepared statements in the registry").register(registry);
        Gauge.builder("pgferry.prepared.statement.memory", statements, StatementRegistry::memory)
                .description("Bytes held by the prepared-statement registry").baseUnit("bytes").register(registry);
    }

    /**
     * Gauges of one upstream host: whether it is up, whether it is a standby, its replay lag, its bans, its role
     * changes (failovers) and pgferry's servers on it.
     */
    public void bindHost(Upstream.Host host, HostGauges state) {
        Tags tags = Tags.of("host", host.toString());
        Gauge.builder("pgferry.upstream.host.up", state, known -> known.upAt(System.nanoTime()) ? 1 : 0).tags(tags)
                .description("1 while the host answered its latest connection and is not banned").register(registry);
        Gauge.builder("pgferry.upstream.host.in.recovery", state, HostGauges::inRecovery).tags(tags)
                .description("1 for a standby, 0 for a primary, as its latest login reported (in_hot_standby)")
                .register(registry);
        Gauge.builder("pgferry.upstream.host.replay.lag", state, HostGauges::replayLagSeconds).tags(tags)
                .baseUnit("seconds").description("A standby's replay lag as the latest health check read it")
                .register(registry);
        FunctionCounter.builder("pgferry.upstream.host.bans", state, HostGauges::bans).tags(tags)
                .description("Times the host was left out for ban-time after a failed connection").register(registry);
        FunctionCounter.builder("pgferry.upstream.host.role.changes", state, HostGauges::roleChanges).tags(tags)
                .description("Times the host was seen to change role: a promotion counts on the promoted host")
                .register(registry);
        Gauge.builder("pgferry.upstream.host.servers", state, HostGauges::servers).tags(tags)
                .description("pgferry's server connections to the host (what least-connections balances)")
                .register(registry);
    }

    /** Counts the transaction-mode clients pinned to their server for {@code reason}, read from {@code pins}. */
    public void countPins(String reason, LongSupplier pins) {
        meterSources.add(pins);
        FunctionCounter.builder("pgferry.pins", pins, LongSupplier::getAsLong)
                .description("Transaction-mode clients pinned to their server, by what they did")
                .tag("reason", reason).register(registry);
    }

    /**
     * The meters of one database's result cache, read from its counters when scraped. Returns what records how
     * long each stored result took to fetch from the server, in nanoseconds.
     */
    public LongConsumer bindCache(CacheStats cache, List<String> statuses) {
        Tags tags = Tags.of("database", cache.database());
        for (String status : statuses) {
            FunctionCounter.builder("pgferry.cache.requests", cache, stats -> stats.requests(status))
                    .tags(tags.and("status", status))
                    .description("Requests by what the result cache did with them (Hyperdrive's cacheStatus)")
                    .register(registry);
        }
        FunctionCounter.builder("pgferry.cache.invalidations", cache, CacheStats::invalidations)
                .tags(tags).description("Writes seen through pgferry that dropped cached results").register(registry);
        Gauge.builder("pgferry.cache.entries", cache, CacheStats::entries).tags(tags)
                .description("Results in the cache").register(registry);
        Gauge.builder("pgferry.cache.bytes", cache, CacheStats::bytes).tags(tags).baseUnit("bytes")
                .description("Bytes of the results in the cache, as its bound weighs them").register(registry);
        FunctionCounter.builder("pgferry.cache.evictions", cache, CacheStats::evictions).tags(tags)
                .description("Results evicted to stay within max-bytes or after their time").register(registry);
        FunctionCounter.builder("pgferry.cache.coalesced", cache, CacheStats::coalescedMisses).tags(tags)
                .description("Misses that waited for another client's identical request instead of the server")
                .register(registry);
        Timer fills = Timer.builder("pgferry.cache.fill.duration").tags(tags)
                .description("Time from sending a missed request to storing its result (refreshes included)")
                .serviceLevelObjectives(PoolMeters.BUCKETS).register(registry);
        return nanos -> fills.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Removes every meter of a pool that was retired, so a made-up database name leaves no series behind. */
    public void unbindPool(String database, String user) {
        List<Meter> owned = registry.getMeters().stream()
                .filter(meter -> database.equals(meter.getId().getTag("database"))
                        && user.equals(meter.getId().getTag("user")))
                .toList();
        owned.forEach(registry::remove);
    }

    /** Gauges for one pool, called when the pool is created. */
    public void bindPool(String database, String user, PoolGauges pool) {
        Tags tags = Tags.of("database", database, "user", user);
        server(pool, tags, "active", PoolStats::active);
        server(pool, tags, "idle", PoolStats::idle);
        server(pool, tags, "parked", PoolStats::parked);
        server(pool, tags, "login", PoolStats::connecting);
        client(pool, tags, "active", (p, stats) -> Math.min(stats.active(), p.clients() - stats.waiting()));
        client(pool, tags, "waiting", (p, stats) -> stats.waiting());
        client(pool, tags, "idle", (p, stats) -> Math.max(0, p.clients() - stats.waiting() - stats.active()));
        Gauge.builder("pgferry.pool.clients.waiting", pool, p -> p.stats().waiting()).tags(tags)
                .description("Clients waiting for a server").register(registry);
        Gauge.builder("pgferry.pool.clients.buffered", pool, p -> p.stats().buffered()).tags(tags)
                .description("Clients waiting while the upstream cannot be reached (failover buffering)")
                .register(registry);
        Gauge.builder("pgferry.pool.wait.longest", pool, p -> p.stats().longestWaitMicros() / 1e6).tags(tags)
                .baseUnit("seconds").description("How long the longest-waiting client has waited").register(registry);
        Gauge.builder("pgferry.pool.size.max", pool, p -> p.settings().size()).tags(tags)
                .description("Most servers the pool may open").register(registry);
        Gauge.builder("pgferry.pool.size.min", pool, p -> p.settings().minIdle()).tags(tags)
                .description("Servers the pool keeps open when idle").register(registry);
        Gauge.builder("pgferry.pool.size.reserve", pool, p -> p.settings().reserveSize()).tags(tags)
                .description("Extra servers the pool may open for clients waiting past reserve-timeout")
                .register(registry);
        Gauge.builder("pgferry.pool.paused", pool, p -> p.isPaused() ? 1 : 0).tags(tags)
                .description("1 while the pool is paused by the admin console").register(registry);
    }

    private void server(PoolGauges pool, Tags tags, String state, ToDoubleFunction<PoolStats> count) {
        Gauge.builder("pgferry.pool.servers", pool, p -> count.applyAsDouble(p.stats())).tags(tags.and("state", state))
                .description("Server connections by state").register(registry);
    }

    private void client(PoolGauges pool, Tags tags, String state, ToIntBiFunction<PoolGauges, PoolStats> count) {
        Gauge.builder("pgferry.pool.clients", pool, p -> count.applyAsInt(p, p.stats())).tags(tags.and("state", state))
                .description("Clients by state: holding a server, waiting for one, or idle between transactions")
                .register(registry);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
