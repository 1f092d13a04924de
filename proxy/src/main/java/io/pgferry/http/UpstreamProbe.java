package io.pgferry.http;

import io.pgferry.backend.UpstreamHosts;
import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.Upstream;
import io.pgferry.pool.Pools;
import io.pgferry.pool.ServerPool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Readiness: no pool holds logins back because its upstream was unreachable or not accepting connections (a
 * client would get an error now, issue 22.10), and every configured upstream has a host that accepts a TCP
 * connection and, as far as its latest login said, has the role the upstream's target_session_attrs wants (a
 * failed-over cluster is ready once its new primary answers). The TCP answer is cached for a few seconds, so frequent probes do not open a connection each; the check runs on the
 * caller's thread with a short timeout.
 */
public final class UpstreamProbe implements BooleanSupplier {
    private static final long CACHE_NANOS = 5_000_000_000L;
    private static final int TIMEOUT_MILLIS = 1000;

    private final Supplier<ProxyConfig> config;
    private final Pools pools;
    private final UpstreamHosts hosts;
    private volatile long checkedAt;
    private volatile boolean lastAnswer;

    public UpstreamProbe(Supplier<ProxyConfig> config, Pools pools, UpstreamHosts hosts) {
        this.config = config;
        this.pools = pools;
        this.hosts = hosts;
    }

    @Override
    public boolean getAsBoolean() {
        if (pools.all().stream().anyMatch(ServerPool::isWaitingForUpstream)) {
            return false;
        }
        long now = System.nanoTime();
        if (checkedAt != 0 && now - checkedAt < CACHE_NANOS) {
            return lastAnswer;
        }
        boolean reachable = true;
        for (DatabaseConfig database : config.get().databases().values()) {
            reachable &= ready(database.upstream());
        }
        lastAnswer = reachable;
        checkedAt = now;
        return reachable;
    }

    /** Whether a host of {@code upstream} that may have the wanted role accepts a TCP connection. */
    private boolean ready(Upstream upstream) {
        for (Upstream.Host host : upstream.hosts()) {
            UpstreamHosts.HostState state = hosts.all().get(host);
            if ((state == null || hosts.fits(upstream, host, state.role())) && reachable(host.name(), host.port())) {
                return true;
            }
        }
        return false;
    }

    private static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
