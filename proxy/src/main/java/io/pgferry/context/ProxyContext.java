package io.pgferry.context;

import io.pgferry.cache.CacheStatus;
import io.pgferry.cache.ResultCaches;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.auth.PassThroughKeys;
import io.pgferry.auth.PasswordCheck;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.ProxyConfig;
import io.pgferry.metrics.ProxyMetrics;
import io.pgferry.pool.Pools;
import io.pgferry.prepared.StatementRegistry;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The services every kind of client and the admin console share: the current configuration and client TLS
 * context, the pools (which also route clients and hold DISABLE and draining), the server connector, the statement
 * registry, the result caches, the metrics, the open client connections, and the views the console needs of the clients and of the
 * process. Thread-safe.
 */
public final class ProxyContext {
    private final AtomicReference<ProxyConfig> config;
    private final AtomicReference<SslContext> clientTls;
    private final Pools pools;
    private final ServerConnector connector;
    private final KeyDerivation keyDerivation;
    private final PasswordCheck passwordCheck;
    private final PassThroughKeys passThroughKeys = new PassThroughKeys();
    private final Executor handshakeWorkers;
    private final ProxyMetrics metrics;
    private final StatementRegistry statements;
    private final ResultCaches caches;
    private final ChannelGroup clientChannels = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private volatile ProxyControl control = ProxyControl.NONE;
    private volatile ClientDirectory clients = ClientDirectory.NONE;

    public ProxyContext(ProxyConfig config, SslContext clientTls, ServerConnector connector,
                        KeyDerivation keyDerivation, Executor handshakeWorkers, ProxyMetrics metrics) {
        this.config = new AtomicReference<>(config);
        this.clientTls = new AtomicReference<>(clientTls);
        this.metrics = metrics;
        this.pools = new Pools(connector, this::config, key -> metrics.meters(key.databaseLabel(), key.user()),
                pool -> metrics.bindPool(pool.key().databaseLabel(), pool.key().user(), pool),
                pool -> metrics.unbindPool(pool.key().databaseLabel(), pool.key().user()), passThroughKeys);
        this.connector = connector;
        this.keyDerivation = keyDerivation;
        this.passwordCheck = new PasswordCheck(keyDerivation);
        this.handshakeWorkers = handshakeWorkers;
        this.statements = new StatementRegistry(config.maxPreparedStatementMemory());
        this.caches = new ResultCaches(this::config, cache -> metrics.bindCache(cache, CacheStatus.labels()));
    }

    public ProxyConfig config() {
        return config.get();
    }

    public void update(ProxyConfig newConfig, SslContext newClientTls) {
        config.set(newConfig);
        clientTls.set(newClientTls);
    }

    public SslContext clientTls() {
        return clientTls.get();
    }

    public Pools pools() {
        return pools;
    }

    public ServerConnector connector() {
        return connector;
    }

    public KeyDerivation keyDerivation() {
        return keyDerivation;
    }

    /** The SCRAM keys clients revealed, for servers of users known only by a verifier (pass-through). */
    public PassThroughKeys passThroughKeys() {
        return passThroughKeys;
    }

    /** Checks passwords clients sent in cleartext, as every listener checks them. */
    public PasswordCheck passwordCheck() {
        return passwordCheck;
    }

    /** Where clients' TLS handshakes compute their key exchange and signature, off the event loops. */
    public Executor handshakeWorkers() {
        return handshakeWorkers;
    }

    public StatementRegistry statements() {
        return statements;
    }

    /** The query-result caches, per database. */
    public ResultCaches caches() {
        return caches;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** Every open client connection, logging in or not; closed ones leave by themselves. */
    public ChannelGroup clientChannels() {
        return clientChannels;
    }

    /** RELOAD and SHUTDOWN for the admin console. */
    public ProxyControl control() {
        return control;
    }

    public void control(ProxyControl newControl) {
        this.control = newControl;
    }

    /** The logged-in clients, for the admin console. */
    public ClientDirectory clients() {
        return clients;
    }

    public void clients(ClientDirectory directory) {
        this.clients = directory;
    }
}
