package io.pgferry.backend;

import io.pgferry.config.LoadBalance;
import io.pgferry.config.TargetSessionAttrs;
import io.pgferry.config.Upstream;
import io.pgferry.metrics.HostGauges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pgferry knows of each upstream host, shared by every pool that reaches it: the role it reported at its
 * latest login ({@code in_hot_standby}) and, after a connection to it failed, until when it is banned. A banned
 * host of a several-host upstream is not tried again before {@code ban-time} has passed; a single-host upstream
 * has nothing else to try, so its retries follow the pool's login-retry instead. Thread-safe.
 */
public final class UpstreamHosts {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHosts.class);

    /** A host's role as its latest login reported it. */
    public enum Role { UNKNOWN, PRIMARY, STANDBY }

    /** One host's state; fields are written by whichever loop logged in or failed last. */
    public static final class HostState implements HostGauges {
        private volatile Role role = Role.UNKNOWN;
        private volatile long bannedUntilNanos;
        private volatile boolean banned;
        private volatile String lastError;
        private volatile double replayLagSeconds = Double.NaN;
        private volatile boolean lagging;
        private final AtomicLong bans = new AtomicLong();
        private final AtomicLong roleChanges = new AtomicLong();
        private final AtomicInteger servers = new AtomicInteger();

        @Override
        public boolean upAt(long now) {
            return lastError == null && !bannedAt(now);
        }

        public Role role() {
            return role;
        }

        /** Whether the host is banned as of {@code now}. */
        public boolean bannedAt(long now) {
            return banned && now - bannedUntilNanos < 0;
        }

        /** How much longer the ban lasts as of {@code now}; 0 when not banned. */
        public long bannedForNanos(long now) {
            return bannedAt(now) ? bannedUntilNanos - now : 0;
        }

        @Override
        public double replayLagSeconds() {
            return replayLagSeconds;
        }

        /** Whether that lag exceeds max-replica-lag: left out for reads until it catches up. */
        public boolean lagging() {
            return lagging;
        }

        public String lastError() {
            return lastError;
        }

        @Override
        public double inRecovery() {
            return switch (role) {
                case STANDBY -> 1;
                case PRIMARY -> 0;
                case UNKNOWN -> Double.NaN;
            };
        }

        @Override
        public long bans() {
            return bans.get();
        }

        @Override
        public long roleChanges() {
            return roleChanges.get();
        }

        @Override
        public int servers() {
            return servers.get();
        }
    }

    private final Map<Upstream.Host, HostState> states = new ConcurrentHashMap<>();
    /** Round-robin turns per host list, shared by every pool of those hosts. */
    private final Map<List<Upstream.Host>, AtomicInteger> turns = new ConcurrentHashMap<>();
    /** The login of the first pool that reached each host through a host search: what health checks log in as. */
    private final Map<Upstream.Host, ServerConnector.Login> monitoredLogins = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final BiConsumer<Upstream.Host, HostGauges> added;
    private volatile Duration banTime;

    /** {@code added} hears of each host the first time a link tries it (the metrics bind its meters). */
    public UpstreamHosts(Duration banTime, LongSupplier clock, BiConsumer<Upstream.Host, HostGauges> added) {
        this.banTime = banTime;
        this.clock = clock;
        this.added = added;
    }

    public void updateBanTime(Duration newBanTime) {
        this.banTime = newBanTime;
    }

    private HostState state(Upstream.Host host) {
        HostState known = states.get(host);
        if (known != null) {
            return known;
        }
        HostState created = new HostState();
        HostState raced = states.putIfAbsent(host, created);
        if (raced != null) {
            return raced;
        }
        added.accept(host, created);
        return created;
    }

    /**
     * The hosts to try for a new link of {@code upstream}, in order: those not banned, ordered by its
     * {@link LoadBalance}; first those that {@link #fits fit} as far as pgferry knows, then those
     * whose last reported role the target does not want (roles change, so they are still tried), then standbys
     * lagging past max-replica-lag (a prefer-standby link would rather fall back to the primary).
     */
    List<Upstream.Host> candidates(Upstream upstream) {
        if (upstream.hosts().size() == 1) {
            return upstream.hosts();
        }
        long now = clock.getAsLong();
        List<Upstream.Host> open = new ArrayList<>();
        for (Upstream.Host host : upstream.hosts()) {
            if (!state(host).bannedAt(now)) {
                open.add(host);
            }
        }
        switch (upstream.loadBalance()) {
            case RANDOM -> Collections.shuffle(open, ThreadLocalRandom.current());
            case ROUND_ROBIN -> {
                int turn = turns.computeIfAbsent(upstream.hosts(), list -> new AtomicInteger()).getAndIncrement();
                Collections.rotate(open, open.isEmpty() ? 0 : -Math.floorMod(turn, open.size()));
            }
            case LEAST_CONNECTIONS -> open.sort(Comparator.comparingInt(host -> state(host).servers.get()));
            case DISABLE -> { }
        }
        List<Upstream.Host> ordered = new ArrayList<>(open.size());
        open.stream().filter(host -> fits(upstream, host, state(host).role())).forEach(ordered::add);
        open.stream().filter(host -> !fits(upstream, host, state(host).role()) && !state(host).lagging)
                .forEach(ordered::add);
        open.stream().filter(host -> !fits(upstream, host, state(host).role()) && state(host).lagging)
                .forEach(ordered::add);
        return ordered;
    }

    /**
     * Whether a host of {@code role} serves {@code upstream}'s target: the role it wants (an unknown role is given
     * the benefit of the doubt), and, for a target that wants standbys, not lagging past max-replica-lag.
     */
    public boolean fits(Upstream upstream, Upstream.Host host, Role role) {
        if (role == Role.UNKNOWN) {
            return true;
        }
        boolean standby = role == Role.STANDBY;
        return upstream.target().accepts(standby) && !(standby && state(host).lagging);
    }

    /**
     * Whether a link should no longer serve its pool, and closes when released: its host's role, as the latest
     * login or health check read it, no longer fits the target (servers before PostgreSQL 14 report no role change
     * on the link itself), its standby lags past max-replica-lag, or it is a prefer-standby fallback on the primary
     * while another host is a standby in good standing again. Called on every release, so it returns at once for
     * target any.
     */
    public boolean unfit(ServerConnection link) {
        Upstream upstream = link.upstream();
        if (upstream.target() == TargetSessionAttrs.ANY) {
            return false;
        }
        Upstream.Host host = upstream.hosts().get(0);
        HostState own = states.get(host);
        if (own == null) {
            return false;
        }
        if (!upstream.target().fallsBackToAny()) {
            return !fits(upstream, host, own.role);
        }
        if (own.lagging) {
            return true;
        }
        long now = clock.getAsLong();
        return own.role == Role.PRIMARY && upstream.hosts().stream().skip(1)
                .map(states::get).anyMatch(other -> other != null && other.role == Role.STANDBY && !other.lagging
                        && other.upAt(now));
    }

    /** A connection to {@code host} failed: with another host to turn to, it is banned for ban-time. */
    void unreachable(Upstream upstream, Upstream.Host host, String error) {
        HostState state = state(host);
        state.lastError = error;
        if (upstream.hosts().size() > 1 && !banTime.isZero()) {
            state.bannedUntilNanos = clock.getAsLong() + banTime.toNanos();
            state.banned = true;
            state.bans.incrementAndGet();
        }
    }

    /** A login to {@code host} succeeded and it reported {@code role}: it is up. */
    void loggedIn(Upstream.Host host, Role role) {
        HostState state = state(host);
        changeRole(host, state, role);
        state.banned = false;
        state.lastError = null;
    }

    /** A role read at a login or a health check; a change (a promotion) is logged and counted. */
    private static void changeRole(Upstream.Host host, HostState state, Role role) {
        Role was = state.role;
        state.role = role;
        if (was != Role.UNKNOWN && role != Role.UNKNOWN && was != role) {
            state.roleChanges.incrementAndGet();
            LOG.info("host {} is now a {} (was a {})", host, role.name().toLowerCase(Locale.ROOT),
                    was.name().toLowerCase(Locale.ROOT));
        }
    }

    /**
     * A host search gave {@code link} to a pool: it counts among its host's servers (least-connections) until it
     * closes.
     */
    void serving(ServerConnection link) {
        HostState state = state(link.upstream().hosts().get(0));
        state.servers.incrementAndGet();
        link.onClose(closed -> state.servers.decrementAndGet());
    }

    /** A host search reached {@code host} for {@code login}: health checks log in as the first such login. */
    void monitor(Upstream.Host host, ServerConnector.Login login) {
        monitoredLogins.putIfAbsent(host, login);
    }

    Map<Upstream.Host, ServerConnector.Login> monitoredLogins() {
        return monitoredLogins;
    }

    /** A health check read {@code seconds} of replay lag on {@code host}. */
    void replayLag(Upstream.Host host, double seconds, Duration maxReplicaLag) {
        HostState state = state(host);
        state.replayLagSeconds = seconds;
        boolean lagging = !maxReplicaLag.isZero() && seconds * 1e9 > maxReplicaLag.toNanos();
        if (lagging != state.lagging) {
            LOG.info("host {} {} max-replica-lag ({} s behind)", host, lagging ? "lags past" : "is back within",
                    String.format(java.util.Locale.ROOT, "%.1f", seconds));
        }
        state.lagging = lagging;
    }

    /** Every host pgferry has tried, for SHOW HOSTS and the metrics. */
    public Map<Upstream.Host, HostState> all() {
        return Collections.unmodifiableMap(states);
    }

    /** The role a link's server reports now: {@code in_hot_standby}, which PostgreSQL 14 and later send. */
    static Role roleOf(ServerConnection link) {
        String standby = link.parameters().reported().get("in_hot_standby");
        return standby == null ? Role.UNKNOWN : standby.equals("on") ? Role.STANDBY : Role.PRIMARY;
    }
}
