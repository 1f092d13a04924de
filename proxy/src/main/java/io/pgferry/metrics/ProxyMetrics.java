package io.pgferry.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pgferry.frontend.FrontendContext;
import io.pgferry.frontend.PinReason;
import io.pgferry.pool.PoolStats;
import io.pgferry.pool.ServerPool;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's Prometheus registry. Gauges read pool counters and registries when scraped, so the hot path pays
 * nothing; tags are bounded by the configured databases and users. Thread-safe.
 */
public final class ProxyMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public ProxyMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        for (PinReason reason : PinReason.values()) {
            FunctionCounter.builder("pgferry.pins", reason, PinReason::pins)
                    .description("Transaction-mode clients pinned to their server, by what they did")
                    .tag("reason", reason.label()).register(registry);
        }
    }

    /** Gauges for what every client connection shares. */
    public void bindFrontend(FrontendContext context) {
        Gauge.builder("pgferry.clients.connected", context, c -> c.clients().get())
                .description("Client connections open").register(registry);
        Gauge.builder("pgferry.prepared.statements", context, c -> c.statements().size())
                .description("Distinct prepared statements in the registry").register(registry);
        Gauge.builder("pgferry.prepared.statement.memory", context, c -> c.statements().memory())
                .description("Bytes held by the prepared-statement registry").baseUnit("bytes").register(registry);
    }

    /** Gauges for one pool, called when the pool is created. */
    public void bindPool(ServerPool pool) {
        Tags tags = Tags.of("database", pool.key().database(), "user", pool.key().user());
        server(pool, tags, "active", PoolStats::active);
        server(pool, tags, "idle", PoolStats::idle);
        server(pool, tags, "parked", PoolStats::parked);
        server(pool, tags, "connecting", PoolStats::connecting);
        Gauge.builder("pgferry.pool.clients.waiting", pool, p -> p.stats().waiting()).tags(tags)
                .description("Clients waiting for a server").register(registry);
        Gauge.builder("pgferry.pool.size.max", pool, p -> p.settings().size()).tags(tags)
                .description("Most servers the pool may open").register(registry);
    }

    private void server(ServerPool pool, Tags tags, String state, ToDoubleFunction<PoolStats> count) {
        Gauge.builder("pgferry.pool.servers", pool, p -> count.applyAsDouble(p.stats())).tags(tags.and("state", state))
                .description("Server connections by state").register(registry);
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
