package io.pgferry;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.backend.ServerConnector;
import io.pgferry.backend.UpstreamHosts;
import io.pgferry.config.ProxyConfig;
import io.pgferry.frontend.ClientChannelInitializer;
import io.pgferry.context.Listening;
import io.pgferry.context.ProxyContext;
import io.pgferry.frontend.FrontendContext;
import io.pgferry.edge.EdgeListener;
import io.pgferry.http.HttpEndpoints;
import io.pgferry.http.UpstreamProbe;
import io.pgferry.metrics.ProxyMetrics;
import io.pgferry.pool.Pools;
import io.pgferry.tls.ClientTlsContext;
import io.pgferry.tls.ServerTlsContexts;
import io.pgferry.context.ProxyControl.ShutdownMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running pgferry: event loops (one per core), the client listener, pools and housekeeping. */
public final class Proxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Proxy.class);

    private final EventLoopGroup group;
    private final Channel listener;
    private final Channel unixListener;
    private final Pools pools;
    private final CpuWorkers workers;
    private final FrontendContext context;
    private final ProxyMetrics metrics;
    private final HttpEndpoints http;
    private final EdgeListener edge;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Proxy(EventLoopGroup group, Channel listener, Channel unixListener, Pools pools, CpuWorkers workers,
                  FrontendContext context, ProxyMetrics metrics, HttpEndpoints http, EdgeListener edge) {
        this.metrics = metrics;
        this.http = http;
        this.edge = edge;
        this.group = group;
        this.listener = listener;
        this.unixListener = unixListener;
        this.pools = pools;
        this.workers = workers;
        this.context = context;
    }

    public static Proxy start(ProxyConfig config) {
        Transport transport = Transport.choose(config.transport(), Transport.IO_URING, Transport.EPOLL);
        Class<? extends ServerChannel> serverChannel = transport.serverChannel;
        Class<? extends Channel> clientChannel = transport.clientChannel;
        // Named, so a thread dump or `top -H` tells the I/O loops from the JVM's own threads.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.threads(), new DefaultThreadFactory("pgferry-io"),
                transport.ioHandlerFactory());
        CpuWorkers workers = new CpuWorkers(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
        KeyDerivation keyDerivation = new KeyDerivation(workers);
        Short receiveBufferGroup = transport.receivesFromRing() ? Transport.RECEIVE_BUFFER_GROUP : null;
        ProxyMetrics metrics = new ProxyMetrics();
        ServerConnector connector = new ServerConnector(clientChannel, receiveBufferGroup,
                new ServerTlsContexts(workers), keyDerivation, config.maxPreparedStatements(),
                new UpstreamHosts(config.banTime(), System::nanoTime, metrics::bindHost));
        ProxyContext shared = new ProxyContext(config, ClientTlsContext.build(config.clientTls()), connector,
                keyDerivation, workers, metrics);
        FrontendContext context = new FrontendContext(shared);
        Pools pools = context.pools();
        metrics.bindClients(() -> shared.clientChannels().size(), shared.statements());
        try {
            ClientChannelInitializer clients = new ClientChannelInitializer(context);
            Channel listener = Listening.bind(clientListener(group, serverChannel, receiveBufferGroup, clients),
                    config.listen());
            long interval = config.housekeepingInterval().toMillis();
            group.next().scheduleAtFixedRate(() -> pools.housekeep(group.next()), interval, interval, TimeUnit.MILLISECONDS);
            group.next().scheduleAtFixedRate(metrics::tickClock, ProxyMetrics.CLOCK_TICK_MILLIS,
                    ProxyMetrics.CLOCK_TICK_MILLIS, TimeUnit.MILLISECONDS);
            HttpEndpoints http = config.httpListen() == null ? null : HttpEndpoints.start(group, serverChannel,
                    config.httpListen(), metrics, new UpstreamProbe(context::config, context.pools(),
                    connector.hosts()));
            EdgeListener edge = config.edge().listen() == null ? null
                    : EdgeListener.start(group, serverChannel, config, context);
            Channel unixListener = config.listenUnix() == null ? null : listenUnix(group, transport, receiveBufferGroup,
                    clients, config.listenUnix(), ((InetSocketAddress) listener.localAddress()).getPort());
            LOG.info("pgferry {} listening on {} (transport {}; TLS by {}){}{}; databases {}", Main.version(),
                    listener.localAddress(), transport.label(), ClientTlsContext.implementation(),
                    http == null ? "" : ", HTTP on " + http.address(),
                    edge == null ? "" : ", edge (SQL over HTTP, WebSocket) on " + edge.address()
                            + (unixListener == null ? "" : ", Unix socket " + unixListener.localAddress()),
                    upstreams(config));
            return new Proxy(group, listener, unixListener, pools, workers, context, metrics, http, edge);
        } catch (RuntimeException e) {
            // Half-started is not started: the event loops must not keep the process alive without a listener.
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
            workers.close();
            metrics.close();
            throw e;
        }
    }

    /**
     * The Unix-domain socket {@code .s.PGSQL.<port>} in {@code directory}, set up as the TCP listener is. A file left there (a previous run that did not clean up) is replaced, as PostgreSQL replaces its own.
     */
    private static Channel listenUnix(EventLoopGroup group, Transport transport, Short receiveBufferGroup,
                                      ClientChannelInitializer clients, Path directory, int port) {
        if (transport.unixServerChannel == null) {
            throw new IllegalStateException("listen-unix needs the io_uring or epoll transport, not " + transport.label());
        }
        Path socket = directory.resolve(".s.PGSQL." + port);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + socket, e);
        }
        return Listening.bind(clientListener(group, transport.unixServerChannel, receiveBufferGroup, clients), socket);
    }

    /** A listener for PostgreSQL clients, TCP or Unix-domain. */
    private static ServerBootstrap clientListener(EventLoopGroup group, Class<? extends ServerChannel> channelType,
                                                  Short receiveBufferGroup, ClientChannelInitializer clients) {
        ServerBootstrap bootstrap = new ServerBootstrap();
        if (receiveBufferGroup != null) {
            bootstrap.childOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, receiveBufferGroup);
        }
        // Netty's socket configurations turn TCP_NODELAY on for every accepted socket (on all platforms but
        // Android); setting it again as a child option would cost a system call per connection.
        return bootstrap.group(group).channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, ServerConnector.WATER_MARK)
                .childHandler(clients);
    }

    /** name=URL (pool mode) per database entry, passwords left out (Upstream's own text has none). */
    private static String upstreams(ProxyConfig config) {
        StringBuilder text = new StringBuilder();
        config.databases().forEach((name, entry) -> text.append(text.length() == 0 ? "" : ", ").append(name)
                .append('=').append(entry.upstream()).append(" (")
                .append(entry.pool().mode().name().toLowerCase(java.util.Locale.ROOT)).append(')'));
        return text.length() == 0 ? "none" : text.toString();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The edge listener's address, or {@code null} when it is off. */
    public InetSocketAddress edgeAddress() {
        return edge == null ? null : edge.address();
    }

    /** The HTTP endpoints' address, or {@code null} when they are off. */
    public InetSocketAddress httpAddress() {
        return http == null ? null : http.address();
    }

    public Pools pools() {
        return pools;
    }

    public FrontendContext context() {
        return context;
    }

    /**
     * Applies a new configuration without dropping clients: later logins see the new databases, users and TLS
     * certificate; existing pools take their new settings (size, timeouts) at once.
     */
    public void reload(ProxyConfig config) {
        context.shared().update(config, ClientTlsContext.build(config.clientTls()));
        context.shared().connector().hosts().updateBanTime(config.banTime());
        if (edge != null) {
            edge.reload(config);
        }
        for (var pool : pools.all()) {
            var database = config.database(pool.key().database());
            if (database != null) {
                pool.updateSettings(database.pool());
            }
        }
        LOG.info("configuration reloaded: {} databases, {} users", config.databases().size(), config.users().size());
    }

    /**
     * Stops taking new clients and starts draining: a client outside a transaction is told 57P01 and closed, one
     * inside a transaction is closed when it ends. Then waits up to {@code timeout} for servers in use to be
     * released (WAIT_FOR_SERVERS, SIGINT) or for every client to have left (WAIT_FOR_CLIENTS, SIGTERM), and closes
     * everything.
     */
    public void drainAndClose(Duration timeout, ShutdownMode mode) {
        closeListeners();
        if (edge != null) {
            edge.close();
        }
        context.startDraining();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (mode != ShutdownMode.IMMEDIATE && System.nanoTime() < deadline && !drained(mode)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    /** Stops taking clients on every listener; the Unix socket's file goes with it. */
    private void closeListeners() {
        listener.close().syncUninterruptibly();
        if (unixListener != null) {
            unixListener.close().syncUninterruptibly();
        }
        if (edge != null) {
            edge.close();
        }
    }

    private boolean drained(ShutdownMode mode) {
        boolean serversFree = pools.all().stream().allMatch(pool -> pool.stats().active() == 0);
        return mode == ShutdownMode.WAIT_FOR_SERVERS ? serversFree : serversFree && context.sessions().size() == 0;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeListeners();
        if (http != null) {
            http.close();
        }
        // Close every connection while the loops still run, so none is left for the loops' own clean-up to force.
        context.clientChannels().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        pools.closeAll();
        ChannelGroupFuture links = pools.closeAllLinks();
        links.awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.close();
        metrics.close();
    }
}
