package io.pgferry.loadtest.edge;

import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.pgferry.Proxy;
import io.pgferry.CpuWorkers;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.config.ConfigLoader;
import io.pgferry.testkit.PostgresServer;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The edge experiment: each request opens a connection (TLS, SCRAM), runs one query on an empty table and
 * closes, through a latency relay of {@code --delay-ms} one way. Targets:
 * <ul>
 *   <li>{@code direct}: worker -(delay)- PostgreSQL;</li>
 *   <li>{@code pgferry-near-db}: worker -(delay)- pgferry - PostgreSQL;</li>
 *   <li>{@code pgferry-near-worker}: worker - pgferry -(delay)- PostgreSQL;</li>
 *   <li>{@code hikari}: an application-side HikariCP pool (pgjdbc) -(delay)- pgferry - PostgreSQL, the in-app
 *   pooling reference: no connection per request at all.</li>
 * </ul>
 * Besides the PostgreSQL methods, {@code http} ({@code POST /sql} on a kept-alive HTTPS connection per worker)
 * and {@code websocket} (a new WSS connection per request, login pipelined with the query) reach pgferry's edge
 * listener, for the pgferry targets; so do {@code direct-tls} (the pipelined method after a direct TLS handshake,
 * no SSLRequest) and {@code pipelined-login} (direct TLS, then startup, cleartext password and query in one write,
 * against a pgferry with {@code tls.pipelined-login}).
 * Starts its own PostgreSQL and pgferry, stops them at the end.
 */
public final class EdgeScenario {
    private static final String USER = "edge";
    private static final String PASSWORD = "edge-secret";
    private static final List<String> EDGE_METHODS = List.of("http", "websocket", "direct-tls", "pipelined-login");

    private final PostgresServer postgres;
    private final EventLoopGroup relayLoops;
    private final CpuWorkers workers = new CpuWorkers(1);
    private final KeyDerivation keys = new KeyDerivation(workers);
    private final Duration delay;
    private final boolean tls;
    /** Whether pgferry runs with its result cache (and local Describe answers): {@code --cache on}. */
    private final boolean cache;
    private final List<AutoCloseable> resources = new java.util.concurrent.CopyOnWriteArrayList<>();

    private EdgeScenario(PostgresServer postgres, Duration delay, boolean tls, boolean cache) {
        this.postgres = postgres;
        this.delay = delay;
        this.tls = tls;
        this.cache = cache;
        this.relayLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int requests = Integer.parseInt(options.getOrDefault("n", "100"));
        int concurrency = Integer.parseInt(options.getOrDefault("c", "1"));
        Duration delay = Duration.ofMillis(Long.parseLong(options.getOrDefault("delay-ms", "10")));
        boolean tls = !options.getOrDefault("tls", "on").equals("off");
        boolean cache = options.getOrDefault("cache", "off").equals("on");
        List<String> methods = Arrays.stream(options.getOrDefault("methods",
                "simple,query,pipelined,prepared,direct-tls,pipelined-login,http,websocket").split(",")).map(String::trim).toList();
        List<String> targets = List.of(options.getOrDefault("targets",
                "direct,pgferry-near-db,pgferry-near-worker,hikari").split(","));
        System.out.printf("edge: %d requests per cell, %d concurrent, %d ms one way (%d ms round trip), TLS %s%n",
                requests, concurrency, delay.toMillis(), 2 * delay.toMillis(), tls ? "on" : "off");
        try (PostgresServer postgres = PostgresServer.start()) {
            EdgeScenario scenario = new EdgeScenario(postgres, delay, tls, cache);
            try {
                scenario.prepareDatabase();
                Map<String, Map<String, LatencyStats>> results = new LinkedHashMap<>();
                for (String target : targets) {
                    for (String method : methods) {
                        LatencyStats stats = scenario.runCell(target.trim(), method, requests, concurrency);
                        System.out.printf("%-20s %-10s %s%n", target, method, stats == null ? "n/a" : stats.line());
                        results.computeIfAbsent(target.trim(), t -> new LinkedHashMap<>()).put(method, stats);
                    }
                }
                System.out.println();
                System.out.println(markdown(results, methods, "average"));
                System.out.println(markdown(results, methods, "p99"));
            } finally {
                scenario.close();
            }
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--?", ""), args[i + 1]);
        }
        return options;
    }

    /** A methods x targets table of one statistic, in milliseconds. */
    static String markdown(Map<String, Map<String, LatencyStats>> results, List<String> methods, String stat) {
        StringBuilder table = new StringBuilder("| " + stat + " ms |");
        results.keySet().forEach(target -> table.append(' ').append(target).append(" |"));
        table.append("\n|---|").append("---|".repeat(results.size())).append('\n');
        for (String method : methods) {
            table.append("| ").append(method).append(" |");
            for (Map<String, LatencyStats> byMethod : results.values()) {
                LatencyStats stats = byMethod.get(method);
                if (stats == null) {
                    table.append(" - |");
                    continue;
                }
                double value = stat.equals("p99") ? stats.p99() : stats.average();
                table.append(String.format(" %.1f%s |", value, stats.errors() > 0 ? " (" + stats.errors() + " errors)" : ""));
            }
            table.append('\n');
        }
        return table.toString();
    }

    private void prepareDatabase() throws Exception {
        try (Connection admin = postgres.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement()) {
            statement.execute("DROP ROLE IF EXISTS " + USER);
            statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            statement.execute("CREATE TABLE IF NOT EXISTS todos (id serial PRIMARY KEY, title text, completed boolean)");
            statement.execute("GRANT SELECT ON todos TO " + USER);
        }
    }

    private Proxy startPgferry(InetSocketAddress upstream) {
        return startPgferry(upstream, false);
    }

    private Proxy startPgferry(InetSocketAddress upstream, boolean pipelinedLogin) {
        String hocon = """
                pgferry {
                  listen = "127.0.0.1:0"
                  tls { mode = prefer, cert-file = "%s", key-file = "%s", pipelined-login = %s }
                  edge.listen = "127.0.0.1:0"
                  pool { mode = transaction, size = 20, min-idle = 4 }
                  cache { enabled = %s }
                  databases { app { upstream = "postgres://%s@%s:%d/app?sslmode=require", password = "%s" } }
                  users { %s { password = "%s" } }
                }
                """.formatted(postgres.certificates().serverCertificate(), postgres.certificates().serverKey(),
                pipelinedLogin, cache,
                USER, upstream.getHostString(), upstream.getPort(), PASSWORD, USER, PASSWORD);
        Proxy proxy = Proxy.start(ConfigLoader.fromConfig(ConfigFactory.parseString(hocon)));
        resources.add(proxy);
        return proxy;
    }

    private InetSocketAddress relayTo(InetSocketAddress target) {
        LatencyRelay relay = LatencyRelay.start(relayLoops, target, delay);
        resources.add(relay);
        return relay.address();
    }

    /** One cell's latencies; {@code null} where the method does not apply to the target (edge methods, direct). */
    private LatencyStats runCell(String target, String methodName, int requests, int concurrency) throws Exception {
        InetSocketAddress database = new InetSocketAddress("127.0.0.1", postgres.port());
        if (EDGE_METHODS.contains(methodName)) {
            if (!target.startsWith("pgferry")) {
                return null;
            }
            boolean nearDatabase = target.equals("pgferry-near-db");
            Proxy proxy = startPgferry(nearDatabase ? database : relayTo(database), methodName.equals("pipelined-login"));
            InetSocketAddress edge = nearDatabase ? relayTo(proxy.edgeAddress()) : proxy.edgeAddress();
            InetSocketAddress port = nearDatabase ? relayTo(proxy.address()) : proxy.address();
            Request request = switch (methodName) {
                case "http" -> keptAliveHttp(edge);
                case "websocket" -> () -> EdgeClients.webSocketRequest(edge, true, USER, PASSWORD, "app",
                        QueryMethod.PIPELINED);
                case "direct-tls" -> () -> {
                    try (MiniClient client = MiniClient.connectDirectTls(port, USER, PASSWORD, "app", keys, null)) {
                        client.run(QueryMethod.PIPELINED);
                    }
                };
                default -> () -> MiniClient.connectDirectTls(port, USER, PASSWORD, "app", keys, QueryMethod.PIPELINED)
                        .close();
            };
            request.run();
            return measure(request, requests, concurrency);
        }
        QueryMethod method = QueryMethod.valueOf(methodName.toUpperCase(Locale.ROOT));
        Request request = switch (target) {
            case "direct" -> oneShot(relayTo(database), method);
            case "pgferry-near-db" -> oneShot(relayTo(startPgferry(database).address()), method);
            case "pgferry-near-worker" -> oneShot(startPgferry(relayTo(database)).address(), method);
            case "hikari" -> pooled(relayTo(startPgferry(database).address()), method, concurrency);
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
        request.run();
        return measure(request, requests, concurrency);
    }

    /** One request as a stateless worker makes it: connect, log in, query, disconnect. */
    private Request oneShot(InetSocketAddress address, QueryMethod method) {
        return () -> {
            try (MiniClient client = MiniClient.connect(address, USER, PASSWORD, "app", tls, keys)) {
                client.run(method);
            }
        };
    }

    /** {@code POST /sql} over one kept-alive HTTPS connection per worker thread, opened at its first request. */
    private Request keptAliveHttp(InetSocketAddress edge) {
        String connection = "postgresql://" + USER + ":" + PASSWORD + "@localhost/app";
        ThreadLocal<EdgeClients.SqlOverHttp> connections = ThreadLocal.withInitial(() -> {
            try {
                EdgeClients.SqlOverHttp http = new EdgeClients.SqlOverHttp(edge, true, connection);
                resources.add(http);
                return http;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return () -> connections.get().query(QueryMethod.SQL, "f");
    }

    /** One request through an in-app pool: borrow a warm pgjdbc connection, query, give it back. */
    private Request pooled(InetSocketAddress address, QueryMethod method, int concurrency) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://" + address.getHostString() + ":" + address.getPort() + "/app?sslmode="
                + (tls ? "require" : "disable") + (method == QueryMethod.SIMPLE ? "&preferQueryMode=simple" : "")
                + (method == QueryMethod.QUERY ? "&prepareThreshold=0" : "&prepareThreshold=1"));
        config.setUsername(USER);
        config.setPassword(PASSWORD);
        config.setMaximumPoolSize(Math.max(2, concurrency));
        config.setMinimumIdle(Math.max(2, concurrency));
        HikariDataSource pool = new HikariDataSource(config);
        resources.add(pool);
        return () -> {
            try (Connection connection = pool.getConnection();
                 PreparedStatement statement = connection.prepareStatement(QueryMethod.SQL.replace("$1", "?"))) {
                statement.setBoolean(1, false);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        rows.getInt(1);
                    }
                }
            }
        };
    }

    private interface Request {
        void run() throws Exception;
    }

    private static LatencyStats measure(Request request, int requests, int concurrency) throws Exception {
        double[] millis = new double[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                running.add(workers.submit(() -> {
                    int index;
                    while ((index = next.getAndIncrement()) < requests) {
                        long started = System.nanoTime();
                        try {
                            request.run();
                            millis[done.getAndIncrement()] = (System.nanoTime() - started) / 1e6;
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : running) {
                worker.get();
            }
        } finally {
            workers.shutdown();
            workers.awaitTermination(10, TimeUnit.SECONDS);
        }
        return LatencyStats.of(Arrays.copyOf(millis, done.get()), errors.get());
    }

    private void close() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        relayLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.close();
    }
}
