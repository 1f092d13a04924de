package io.pgferry.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One pool's meters. Histograms use a fixed set of buckets from 100 µs to 30 s, so each has the same 18 series
 * whatever the traffic; errors are tagged by SQLSTATE class (two characters, a few dozen values at most).
 */
final class PoolMeters implements PoolActivity {
    static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30),
    };

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer checkout;
    private final Timer failoverWait;
    private final Timer login;
    private final Timer query;
    private final Timer transaction;
    private final Counter loginFailures;
    private final Counter received;
    private final Counter sent;
    private final Counter clientParses;
    private final Counter serverParses;
    private final Counter hits;
    private final Counter binds;
    private final Counter evictions;
    private final Map<String, Counter> errorsByClass = new ConcurrentHashMap<>();

    PoolMeters(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        checkout = timer("pgferry.pool.checkout", "Time clients waited for a server (0 when one was free)");
        failoverWait = timer("pgferry.pool.failover.wait",
                "Time clients waited while the upstream could not be reached (failover buffering)");
        login = timer("pgferry.server.login", "Time to connect and log in to a server, TLS included");
        query = timer("pgferry.query.duration", "Time from a request to its ReadyForQuery, per request");
        transaction = timer("pgferry.transaction.duration", "Time from a transaction's first request to its end");
        loginFailures = counter("pgferry.server.login.failures", "Server connections that failed to open or log in");
        received = Counter.builder("pgferry.server.received").baseUnit("bytes").tags(tags)
                .description("Bytes read from servers").register(registry);
        sent = Counter.builder("pgferry.server.sent").baseUnit("bytes").tags(tags)
                .description("Bytes written to servers").register(registry);
        clientParses = Counter.builder("pgferry.prepared.parses").tags(tags.and("source", "client"))
                .description("Parse messages of named statements from clients, and Parses sent to servers")
                .register(registry);
        serverParses = Counter.builder("pgferry.prepared.parses").tags(tags.and("source", "server"))
                .description("Parse messages of named statements from clients, and Parses sent to servers")
                .register(registry);
        hits = counter("pgferry.prepared.hits", "Client Parses answered by pgferry: the server had the statement");
        binds = counter("pgferry.prepared.binds", "Bind messages from clients");
        evictions = counter("pgferry.prepared.evictions", "Statements closed on a server to stay within its cache");
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).tags(tags).description(description).serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).tags(tags).description(description).register(registry);
    }

    @Override
    public void checkedOut(long nanos) {
        checkout.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void failoverWait(long nanos) {
        failoverWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void serverLoggedIn(long nanos) {
        login.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void serverLoginFailed() {
        loginFailures.increment();
    }

    @Override
    public void queryEnded(long nanos) {
        query.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void transactionEnded(long nanos) {
        transaction.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void bytes(long receivedBytes, long sentBytes) {
        if (receivedBytes > 0) {
            received.increment(receivedBytes);
        }
        if (sentBytes > 0) {
            sent.increment(sentBytes);
        }
    }

    @Override
    public void serverError(String sqlState) {
        String sqlClass = sqlState.length() >= 2 ? sqlState.substring(0, 2) : "??";
        errorsByClass.computeIfAbsent(sqlClass, c -> Counter.builder("pgferry.errors")
                .tags(tags.and("class", c).and("source", "server"))
                .description("ErrorResponses sent to clients, by SQLSTATE class and by who raised them")
                .register(registry)).increment();
    }

    @Override
    public void clientParse() {
        clientParses.increment();
    }

    @Override
    public void serverParse() {
        serverParses.increment();
    }

    @Override
    public void preparedHit() {
        hits.increment();
    }

    @Override
    public void bind() {
        binds.increment();
    }

    @Override
    public void statementEvicted() {
        evictions.increment();
    }

    @Override
    public PoolTotals totals() {
        return new PoolTotals(checkout.count(), transaction.count(), query.count(), (long) received.count(),
                (long) sent.count(), (long) transaction.totalTime(TimeUnit.MICROSECONDS),
                (long) query.totalTime(TimeUnit.MICROSECONDS), (long) checkout.totalTime(TimeUnit.MICROSECONDS),
                (long) clientParses.count(), (long) serverParses.count(), (long) binds.count());
    }
}
