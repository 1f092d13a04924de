package io.pgferry.backend;

import io.netty.channel.EventLoop;
import io.pgferry.config.Upstream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health checks of the hosts of several-host (or role-targeted) upstreams, every health-check-interval, each on a
 * monitoring link of its own logged in as the first pool that reached the host did. A host that cannot be reached
 * is banned; one that answers again is unbanned at once instead of when its ban ends; the link's
 * {@code in_hot_standby} keeps the host's role current; and the check reads a standby's replay lag, so one more
 * than max-replica-lag behind is left out for reads. Confined to one event loop.
 */
public final class HostMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(HostMonitor.class);

    private final ServerConnector connector;
    private final UpstreamHosts hosts;
    private final EventLoop loop;
    private final Map<Upstream.Host, ServerConnection> links = new HashMap<>();
    private final Set<Upstream.Host> checking = new HashSet<>();

    public HostMonitor(ServerConnector connector, EventLoop loop) {
        this.connector = connector;
        this.hosts = connector.hosts();
        this.loop = loop;
    }

    /** Checks every known host not still being checked; {@code timeout} bounds a new monitoring link's login. */
    public void checkAll(Duration timeout, Duration maxReplicaLag) {
        loop.execute(() -> hosts.monitoredLogins().forEach((host, login) -> {
            if (checking.add(host)) {
                check(host, login, timeout, maxReplicaLag);
            }
        }));
    }

    private void check(Upstream.Host host, ServerConnector.Login login, Duration timeout, Duration maxReplicaLag) {
        ServerConnection link = links.get(host);
        if (link != null && link.isUsable()) {
            measure(host, link, maxReplicaLag);
            return;
        }
        connector.connectTo(loop, login, host, timeout).whenComplete((opened, error) -> {
            if (error != null) {
                ServerLoginFailure failure = ServerLoginFailure.of(error);
                LOG.warn("health check of {}: {}", host, failure.getMessage());
                // A refused login (a pass-through user no client has logged in as yet) says nothing of the host.
                if (failure.isTransient()) {
                    hosts.unreachable(login.upstream(), host, failure.getMessage());
                }
                checking.remove(host);
            } else {
                links.put(host, opened);
                measure(host, opened, maxReplicaLag);
            }
        });
    }

    private void measure(Upstream.Host host, ServerConnection link, Duration maxReplicaLag) {
        RecoveryQuery.run(link).whenComplete((recovery, error) -> {
            checking.remove(host);
            if (error != null) {
                LOG.warn("health check of {} failed: {}", host, error.getMessage());
                links.remove(host);
                link.close("its health check failed: " + error.getMessage());
                return;
            }
            // The query's answer, not in_hot_standby: servers before PostgreSQL 14 do not report it.
            hosts.loggedIn(host, recovery.role());
            hosts.replayLag(host, recovery.lagSeconds(), maxReplicaLag);
        });
    }

    /** Closes the monitoring links (pgferry is stopping). */
    public void close() {
        loop.execute(() -> {
            links.values().forEach(link -> link.close("pgferry is shutting down"));
            links.clear();
        });
    }
}
