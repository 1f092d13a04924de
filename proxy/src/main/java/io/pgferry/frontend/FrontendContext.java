package io.pgferry.frontend;

import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.pgferry.admin.ProxyControl;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.ProxyConfig;
import io.pgferry.metrics.ProxyMetrics;
import io.pgferry.pool.Pools;
import io.pgferry.prepared.StatementRegistry;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What client connections share: the current configuration and TLS context, pools, registries, metrics, and the
 * admin console's switches (disabled databases, draining). Thread-safe.
 */
public final class FrontendContext {
    private final AtomicReference<ProxyConfig> config;
    private final AtomicReference<SslContext> clientTls;
    private final Pools pools;
    private final ServerConnector connector;
    private final KeyDerivation keyDerivation;
    private final Executor handshakeWorkers;
    private final CancelRegistry cancels = new CancelRegistry();
    private final ClientRegistry sessions = new ClientRegistry();
    private final StartupCache startups = new StartupCache();
    private final ClientAdmission admission = new ClientAdmission();
    private final ProxyMetrics metrics;
    private final Set<String> disabledDatabases = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    private volatile ProxyControl control = ProxyControl.NONE;
    private final StatementRegistry statements;
    private final ChannelGroup clientChannels = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);
    private final byte[] mockScramSecret = new byte[32];

    public FrontendContext(ProxyConfig config, SslContext clientTls, ServerConnector connector,
                           KeyDerivation keyDerivation, Executor handshakeWorkers, ProxyMetrics metrics) {
        this.config = new AtomicReference<>(config);
        this.clientTls = new AtomicReference<>(clientTls);
        this.metrics = metrics;
        this.pools = new Pools(connector, this::config, metrics::meters, metrics::bindPool, metrics::unbindPool);
        this.connector = connector;
        this.keyDerivation = keyDerivation;
        this.handshakeWorkers = handshakeWorkers;
        this.statements = new StatementRegistry(config.maxPreparedStatementMemory());
        new SecureRandom().nextBytes(mockScramSecret);
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

    /** Where clients' TLS handshakes compute their key exchange and signature, off the event loops. */
    public Executor handshakeWorkers() {
        return handshakeWorkers;
    }

    public StatementRegistry statements() {
        return statements;
    }

    public CancelRegistry cancels() {
        return cancels;
    }

    /** Every open client connection, logging in or not (max-client-connections counts these); closed ones leave by themselves. */
    ClientAdmission admission() {
        return admission;
    }

    public ChannelGroup clientChannels() {
        return clientChannels;
    }

    StartupCache startups() {
        return startups;
    }

    public ClientRegistry sessions() {
        return sessions;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /** DISABLE and ENABLE: new clients of a disabled database are refused. */
    public Set<String> disabledDatabases() {
        return disabledDatabases;
    }

    /** Shutdown began: clients get no new transaction, and leave once their current one ends. */
    public void startDraining() {
        draining = true;
        sessions.drainIdle();
    }

    public boolean isDraining() {
        return draining;
    }

    /** RELOAD and SHUTDOWN for the admin console. */
    public ProxyControl control() {
        return control;
    }

    public void control(ProxyControl newControl) {
        this.control = newControl;
    }

    /** Keys the mock SCRAM salts of unknown users, so they stay stable for the life of the process. */
    byte[] mockScramSecret() {
        return mockScramSecret;
    }
}
