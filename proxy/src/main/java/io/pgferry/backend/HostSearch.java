package io.pgferry.backend;

import io.netty.channel.EventLoop;
import io.pgferry.config.TargetSessionAttrs;
import io.pgferry.config.Upstream;
import io.pgferry.protocol.SqlState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One new link of a several-host upstream (or one with a target_session_attrs): tries the candidate hosts in turn,
 * as libpq does, until one accepts the login and reports a role the target wants. A host that cannot be reached is
 * banned ({@link UpstreamHosts}); one of the wrong role is logged out of, except that prefer-standby keeps the first
 * such link for when no standby answers. A refused login (a wrong password, an unknown database) is the answer
 * for every host, so the search stops there (with the fallback, if it has one). Runs on the requesting loop.
 */
final class HostSearch {
    private final ServerConnector connector;
    private final UpstreamHosts hosts;
    private final EventLoop loop;
    private final ServerConnector.Login login;
    private final Duration timeout;
    private final Iterator<Upstream.Host> candidates;
    private final List<String> failures = new ArrayList<>();
    private final CompletableFuture<ServerConnection> result = new CompletableFuture<>();
    private ServerConnection fallback;

    HostSearch(ServerConnector connector, UpstreamHosts hosts, EventLoop loop, ServerConnector.Login login,
               Duration timeout) {
        this.connector = connector;
        this.hosts = hosts;
        this.loop = loop;
        this.login = login;
        this.timeout = timeout;
        this.candidates = hosts.candidates(login.upstream()).iterator();
    }

    CompletableFuture<ServerConnection> start() {
        next();
        return result;
    }

    private void next() {
        if (!candidates.hasNext()) {
            finish();
            return;
        }
        Upstream.Host host = candidates.next();
        connector.connectTo(loop, login, host, timeout).whenComplete((link, error) -> {
            if (error != null) {
                ServerLoginFailure failure = ServerLoginFailure.of(error);
                if (!failure.isTransient()) {
                    if (fallback != null) {
                        deliver(fallback);
                    } else {
                        result.completeExceptionally(failure);
                    }
                    return;
                }
                hosts.unreachable(login.upstream(), host, failure.getMessage());
                failures.add(failure.getMessage());
                next();
                return;
            }
            UpstreamHosts.Role reported = UpstreamHosts.roleOf(link);
            if (reported != UpstreamHosts.Role.UNKNOWN || login.upstream().target() == TargetSessionAttrs.ANY) {
                judge(host, link, reported);
                return;
            }
            // Before PostgreSQL 14 a server does not report in_hot_standby: it is asked.
            RecoveryQuery.run(link).whenComplete((recovery, failure) -> {
                if (failure != null) {
                    link.close("its role could not be read: " + failure.getMessage());
                    failures.add(host + ": its role could not be read");
                    next();
                } else {
                    judge(host, link, recovery.role());
                }
            });
        });
    }

    /** A login to {@code host} succeeded with {@code role}: the link is the answer, the fallback, or closed. */
    private void judge(Upstream.Host host, ServerConnection link, UpstreamHosts.Role role) {
        hosts.loggedIn(host, role);
        hosts.monitor(host, login);
        TargetSessionAttrs target = login.upstream().target();
        if (hosts.fits(login.upstream(), host, role)) {
            discardFallback();
            deliver(link);
            return;
        }
        boolean lagging = target.accepts(role == UpstreamHosts.Role.STANDBY);
        String why = lagging ? "lags past max-replica-lag" : "is a " + role.name().toLowerCase();
        if (target.fallsBackToAny() && fallback == null) {
            fallback = link;
        } else {
            link.close(why + " (target_session_attrs=" + target.configName() + ")");
        }
        failures.add(host + " " + why);
        next();
    }

    private void deliver(ServerConnection link) {
        hosts.serving(link);
        result.complete(link);
    }

    private void finish() {
        if (fallback != null) {
            deliver(fallback);
            return;
        }
        String wanted = switch (login.upstream().target()) {
            case READ_WRITE, PRIMARY -> "a primary";
            case READ_ONLY, STANDBY, PREFER_STANDBY -> "a standby";
            case ANY -> "a host";
        };
        result.completeExceptionally(new ServerLoginFailure(SqlState.CONNECTION_FAILURE, "no host of "
                + login.upstream() + " is " + wanted + " accepting connections"
                + (failures.isEmpty() ? ": every host is banned after failing" : ": " + String.join("; ", failures))));
    }

    private void discardFallback() {
        if (fallback != null) {
            fallback.close("a standby answered (target_session_attrs=prefer-standby)");
            fallback = null;
        }
    }
}
