package io.pgferry.frontend;

import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.ProxyConfig;
import io.pgferry.context.ProxyContext;
import io.pgferry.metrics.ProxyMetrics;
import io.pgferry.pool.Pools;
import io.pgferry.prepared.StatementRegistry;
import java.security.SecureRandom;
import java.util.concurrent.Executor;

/**
 * What client sessions on the PostgreSQL port share beyond the proxy's {@link ProxyContext}: the cancel keys they
 * were issued, the registry of logged-in sessions, the startup cache, the admission counts and the mock SCRAM
 * secret. Thread-safe.
 */
public final class FrontendContext {
    private final ProxyContext shared;
    private final CancelRegistry cancels = new CancelRegistry();
    private final ClientRegistry sessions = new ClientRegistry();
    private final StartupCache startups = new StartupCache();
    private final ClientAdmission admission = new ClientAdmission();
    private final byte[] mockScramSecret = new byte[32];
    private final AuthLookup authLookup = new AuthLookup(this);

    public FrontendContext(ProxyContext shared) {
        this.shared = shared;
        shared.clients(sessions);
        for (PinReason reason : PinReason.values()) {
            shared.metrics().countPins(reason.label(), reason::pins);
        }
        new SecureRandom().nextBytes(mockScramSecret);
    }

    /** The services every kind of client shares. */
    public ProxyContext shared() {
        return shared;
    }

    public ProxyConfig config() {
        return shared.config();
    }

    public SslContext clientTls() {
        return shared.clientTls();
    }

    public Pools pools() {
        return shared.pools();
    }

    public ServerConnector connector() {
        return shared.connector();
    }

    public KeyDerivation keyDerivation() {
        return shared.keyDerivation();
    }

    /** Where clients' TLS handshakes compute their key exchange and signature, off the event loops. */
    Executor handshakeWorkers() {
        return shared.handshakeWorkers();
    }

    public StatementRegistry statements() {
        return shared.statements();
    }

    public CancelRegistry cancels() {
        return cancels;
    }

    /** The two counts new connections are admitted by: those still logging in, and those logged in. */
    ClientAdmission admission() {
        return admission;
    }

    public ChannelGroup clientChannels() {
        return shared.clientChannels();
    }

    StartupCache startups() {
        return startups;
    }

    public ClientRegistry sessions() {
        return sessions;
    }

    public ProxyMetrics metrics() {
        return shared.metrics();
    }

    /** Shutdown began: clients get no new transaction, and leave once their current one ends. */
    public void startDraining() {
        shared.pools().startDraining();
        sessions.drainIdle();
    }

    public boolean isDraining() {
        return shared.pools().isDraining();
    }

    /** auth_query's lookups and their cached answers. */
    AuthLookup authLookup() {
        return authLookup;
    }

    /** Keys the mock SCRAM salts of unknown users, so they stay stable for the life of the process. */
    byte[] mockScramSecret() {
        return mockScramSecret;
    }
}
