package io.pgferry.frontend;

import io.netty.handler.ssl.SslContext;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.ProxyConfig;
import io.pgferry.pool.Pools;
import io.pgferry.prepared.StatementRegistry;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** What client connections share: the current configuration and TLS context, pools, and registries. Thread-safe. */
public final class FrontendContext {
    private final AtomicReference<ProxyConfig> config;
    private final AtomicReference<SslContext> clientTls;
    private final Pools pools;
    private final ServerConnector connector;
    private final KeyDerivation keyDerivation;
    private final CancelRegistry cancels = new CancelRegistry();
    private final StatementRegistry statements;
    private final AtomicInteger clients = new AtomicInteger();
    private final byte[] mockScramSecret = new byte[32];

    public FrontendContext(ProxyConfig config, SslContext clientTls, Pools pools, ServerConnector connector,
                           KeyDerivation keyDerivation) {
        this.config = new AtomicReference<>(config);
        this.clientTls = new AtomicReference<>(clientTls);
        this.pools = pools;
        this.connector = connector;
        this.keyDerivation = keyDerivation;
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

    public StatementRegistry statements() {
        return statements;
    }

    public CancelRegistry cancels() {
        return cancels;
    }

    public AtomicInteger clients() {
        return clients;
    }

    /** Keys the mock SCRAM salts of unknown users, so they stay stable for the life of the process. */
    byte[] mockScramSecret() {
        return mockScramSecret;
    }
}
