package io.pgferry.backend;

import io.pgferry.config.Upstream;
import io.pgferry.metrics.HostGauges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * What pgferry knows of each upstream host, shared by every pool that reaches it: the role it reported at its
 * latest login ({@code in_hot_standby}) and, after a connection to it failed, until when it is banned. A banned
 * host of a several-host upstream is not tried again before {@code ban-time} has passed; a single-host upstream
 * has nothing else to try, so its retries follow the pool's login-retry instead. Thread-safe.
 */
public final class UpstreamHosts {
    /** A host's role as its latest login reported it. */
    public enum Role { UNKNOWN, PRIMARY, STANDBY }

    /** One host's state; fields are written by whichever loop logged in or failed last. */
    public static final class HostState implements HostGauges {
        private volatile Role role = Role.UNKNOWN;
        private volatile long bannedUntilNanos;
        private volatile boolean banned;
        private volatile String lastError;
        private final AtomicLong bans = new AtomicLong();

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
    }

    private final Map<Upstream.Host, HostState> states = new ConcurrentHashMap<>();
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
     * The hosts to try for a new link of {@code upstream}, in order: those not banned, as listed or shuffled
     * ({@code load_balance_hosts=random}), with hosts whose last reported role the target does not want after the
     * others (roles change, so they are still tried).
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
        if (upstream.loadBalance()) {
            Collections.shuffle(open, ThreadLocalRandom.current());
        }
        List<Upstream.Host> ordered = new ArrayList<>(open.size());
        open.stream().filter(host -> suits(upstream, state(host).role())).forEach(ordered::add);
        open.stream().filter(host -> !suits(upstream, state(host).role())).forEach(ordered::add);
        return ordered;
    }

    private static boolean suits(Upstream upstream, Role role) {
        return role == Role.UNKNOWN || upstream.target().accepts(role == Role.STANDBY);
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
        state.role = role;
        state.banned = false;
        state.lastError = null;
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
