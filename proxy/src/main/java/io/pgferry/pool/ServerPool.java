package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerLoginFailure;
import io.pgferry.backend.ServerParameters;
import io.pgferry.config.PoolSettings;
import io.pgferry.metrics.PoolActivity;
import io.pgferry.metrics.PoolGauges;
import io.pgferry.metrics.PoolStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The server links for one {@link PoolKey}. Idle links are reused most-recently-released first, which keeps
 * few links warm, as PgBouncer does. Clients that find no idle link and no room to open one wait in FIFO order
 * until a link is released or their acquire timeout passes. Opening a link also needs a slot under the database's
 * and the user's {@link ConnectionLimit}.
 *
 * <p>Thread-safe: state is guarded by this object's monitor, held only for queue operations; requests are answered,
 * links close and limits are told outside it. Owns the idle links (closes them on {@link #close()}).
 */
public final class ServerPool implements PoolGauges {
    private final PoolKey key;
    private final LinkOpener opener;
    private final PoolActivity activity;
    private final PoolLimits limits;
    private final StatsWindow statsWindow = new StatsWindow();
    private volatile PoolSettings settings;
    private final UnusedLinks unused = new UnusedLinks();
    private final Waiters waiters = new Waiters();
    private final PoolLinks links = new PoolLinks();
    private final PoolClients clients = new PoolClients();
    private final LinkCounts counts;
    private final Predicate<ServerConnection> unfitHost;
    private boolean paused;
    /** Why the pool closed (the log reason of links closing after it), or {@code null} while open. */
    private volatile String closedBecause;

    /** {@code unfitHost}: whether a link's host no longer serves this pool (a standby lagging too far behind). */
    ServerPool(PoolKey key, LinkSource source, PoolSettings settings, PoolActivity activity, PoolLimits limits,
               Predicate<ServerConnection> unfitHost) {
        this.key = key;
        this.unfitHost = unfitHost;
        this.opener = new LinkOpener(key, source, activity, this::opened, this::failedToOpen);
        this.settings = settings;
        this.activity = activity;
        this.limits = limits;
        this.counts = new LinkCounts(limits);
    }

    /**
     * Asks for a link for exclusive use: idle at once, newly opened, or released by another client. The request is
     * answered on its loop, synchronously when this is called there and a link is free.
     */
    public void acquire(LinkRequest request) {
        ServerConnection link = null;
        Throwable refusal = null;
        int toOpen = 0;
        synchronized (this) {
            if (closedBecause != null) {
                refusal = new PoolTimeout("pool " + key + " is closed");
            } else if (!paused) {
                link = unused.takeIdle(request.loop);
                if (link == null && counts.total() >= settings.size()) {
                    link = unused.takeParked(request.loop);
                }
            }
            if (link == null && refusal == null) {
                refusal = paused ? null : counts.refusal(settings, accepted(), System.nanoTime());
                if (refusal == null) {
                    request.buffered = counts.buffering(settings, accepted());
                    waiters.add(request);
                    toOpen = startOpenings(settings.size(), 1);
                }
            }
        }
        if (link != null) {
            activity.checkedOut(0);
            if (IdleLinkCheck.due(link, settings, System.nanoTime())) {
                IdleLinkCheck.run(this, link, request, settings.serverCheckQuery());
            } else {
                request.grant(link);
            }
        } else if (refusal != null) {
            request.refuse(refusal);
        } else if (toOpen > 0) {
            opener.open(request.loop, settings, toOpen);
        } else {
            openForWaiters();
        }
    }

    /**
     * Counts the links to open for waiters nobody is opening one for yet, up to {@code capacity} links and
     * {@code most} at once, taking their limit slots. Holds the monitor.
     */
    private int startOpenings(int capacity, int most) {
        if (paused || closedBecause != null || counts.retryPausing(settings.loginRetry(), System.nanoTime())) {
            return 0;
        }
        return counts.start(Math.min(most, Math.min(waiters.size() - counts.connecting(), capacity - counts.total())));
    }

    /** Opens links for waiters if there is room: after a link elsewhere under a shared limit closed, or on resume. */
    void openForWaiters() {
        int toOpen;
        boolean blockedByLimit;
        EventLoop loop;
        synchronized (this) {
            toOpen = startOpenings(settings.size(), Integer.MAX_VALUE);
            LinkRequest next = waiters.oldest();
            loop = next == null ? null : next.loop;
            blockedByLimit = next != null && toOpen == 0 && counts.connecting() == 0 && counts.open() < settings.size()
                    && !paused;
        }
        if (loop != null) {
            opener.open(loop, settings, toOpen);
        }
        if (blockedByLimit) {
            limits.makeRoom(this);
        }
    }

    /**
     * Lets a client keep an idle link between transactions, which spares a hand-over per transaction, unless
     * another client waits or a cancel for it is in flight (a parked link can be taken by anyone). Returns
     * {@code false} if the link must be released instead.
     */
    public synchronized boolean park(ServerConnection link, Object owner) {
        if (!waiters.isEmpty() || closedBecause != null || paused || link.hasCancelsInFlight()) {
            return false;
        }
        unused.park(link);
        link.parkedBy(owner);
        return true;
    }

    /**
     * The parking client takes its link back; {@code false} if another client took it meanwhile (and perhaps
     * parked it again, as its own), or if it must close ({@link LinkRetirement} as of {@code now}, the caller's
     * reading of {@link System#nanoTime()}).
     */
    public boolean unpark(ServerConnection link, Object owner, long now) {
        String retirement;
        synchronized (this) {
            if (link.parkedBy() != owner || !unused.unpark(link)) {
                return false;
            }
            retirement = LinkRetirement.reason(link, now, null, unfitHost);
            if (retirement == null) {
                return true;
            }
        }
        link.close(retirement);
        return false;
    }

    /**
     * The parameters the latest of this pool's servers reported at login, or {@code null} before any logged in. A
     * pool's servers nearly always report the same values, so a new client can be greeted with them at once.
     */
    public List<ServerParameters.LoginParameter> knownLogin() {
        return links.knownLogin();
    }

    /** Removes a waiter that gave up (its client disconnected or cancelled). */
    public synchronized void abandon(LinkRequest request) {
        waiters.remove(request);
    }

    private void opened(ServerConnection link) {
        links.add(link);
        link.onClose(this::onLinkClosed);
        synchronized (this) {
            counts.opened();
        }
        handOver(link);
    }

    /**
     * One waiter gets the failure; while {@link LinkCounts#buffering}, only those waiting past
     * failover-buffer-timeout do, and the next login is tried as soon as the retry pause ends.
     */
    private void failedToOpen(ServerLoginFailure failure, long startedNanos) {
        long now = System.nanoTime();
        List<LinkRequest> failed;
        LinkRequest next;
        synchronized (this) {
            counts.failed(failure, startedNanos, now);
            boolean buffering = counts.buffering(settings, accepted());
            failed = buffering ? waiters.pollExpired(now, settings.failoverBufferTimeout()) : waiters.pollOldest();
            next = buffering ? waiters.oldest() : null;
            if (buffering) {
                waiters.markBuffered();
            }
        }
        limits.giveBack();
        failed.forEach(request -> {
            if (request.buffered) {
                activity.failoverWait(now - request.since);
            }
            request.refuse(failure);
        });
        if (next != null) {
            next.loop.schedule(this::openForWaiters, counts.retryPauseNanos(settings.loginRetry()),
                    TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Returns a link that is idle and reset, once no CancelRequest for it is in flight. A link that is broken, past
     * its lifetime or on a host whose role changed is closed instead; the next waiter may then open a fresh one.
     */
    public void release(ServerConnection link) {
        String retirement = LinkRetirement.reason(link, System.nanoTime(), closedBecause, unfitHost);
        if (retirement != null) {
            link.close(retirement);
            return;
        }
        if (link.hasCancelsInFlight()) {
            // A cancel its last client sent may still land: nobody else may run anything on it before then.
            link.execute(() -> link.whenNoCancelsInFlight(() -> release(link)));
            return;
        }
        handOver(link);
    }

    private void handOver(ServerConnection link) {
        LinkRequest waiter;
        synchronized (this) {
            waiter = paused ? null : waiters.takeFor(link.eventLoop());
            if (waiter == null) {
                unused.addIdle(link);
                return;
            }
        }
        long waited = System.nanoTime() - waiter.since;
        activity.checkedOut(waited);
        if (waiter.buffered) {
            activity.failoverWait(waited);
        }
        waiter.grant(link);
    }

    private void onLinkClosed(ServerConnection link) {
        synchronized (this) {
            counts.closed();
            unused.remove(link);
        }
        links.remove(link);
        limits.giveBack();
    }

    /**
     * Periodic upkeep: closes links idle past idle-timeout or past their lifetime, closes links whose request or
     * transaction ran past query-timeout or transaction-timeout, opens links up to min-idle, for waiters after a
     * login-retry pause, and from the reserve for clients waiting past reserve-timeout; refuses clients waiting
     * past acquire-timeout.
     */
    public void housekeep(EventLoop loop, Duration statsPeriod) {
        statsWindow.advance(activity.totals(), statsPeriod);
        PoolSettings current = settings;
        long now = System.nanoTime();
        List<ServerConnection> toClose = new ArrayList<>();
        int toOpen;
        List<LinkRequest> expired;
        synchronized (this) {
            unused.collectToClose(now, current.idleTimeout().toNanos(), counts.open(), current.minIdle(), toClose);
            int missing = closedBecause != null || paused ? 0 : current.minIdle() - (counts.total() - toClose.size());
            int opened = counts.start(missing);
            LinkRequest oldest = waiters.oldest();
            boolean reserveDue = oldest != null && current.reserveSize() > 0
                    && now - oldest.since > current.reserveTimeout().toNanos();
            toOpen = opened + startOpenings(current.size(), Integer.MAX_VALUE)
                    + (reserveDue ? startOpenings(current.size() + current.reserveSize(), 1) : 0);
            expired = waiters.pollExpired(now, current.acquireTimeout());
        }
        toClose.forEach(link -> link.close("idle-timeout or max-lifetime"));
        opener.open(loop, current, toOpen);
        if (toOpen == 0) {
            openForWaiters();
        }
        RunningLinkTimeouts.enforce(links.live(), current, now);
        expired.forEach(request -> request.refuse(PoolTimeout.waitedTooLong(key, current)));
    }

    /** Closes the least recently used idle link, to free a slot under a shared limit; {@code false} if none. */
    boolean closeOneIdle() {
        ServerConnection victim;
        synchronized (this) {
            victim = unused.pollOldest();
        }
        if (victim == null) {
            return false;
        }
        victim.close("freeing a server slot another pool of the database or user needs");
        return true;
    }

    /** PAUSE: no client gets a server until {@link #resume()}; links in use finish their work and come back. */
    public void pause() {
        synchronized (this) {
            paused = true;
            unused.unparkAll();
        }
    }

    public void resume() {
        List<ServerConnection> free = new ArrayList<>();
        synchronized (this) {
            paused = false;
            while (unused.hasIdle() && free.size() < waiters.size()) {
                free.add(unused.pollIdle());
            }
        }
        free.forEach(this::handOver);
        openForWaiters();
    }

    /**
     * Whether new logins are held back because the upstream could not be reached or was not accepting connections:
     * a client would get an error now, so pgferry is not ready for this pool.
     */
    public synchronized boolean isWaitingForUpstream() {
        return counts.pausingForUnavailableServer(settings.loginRetry(), System.nanoTime());
    }

    @Override
    public synchronized boolean isPaused() {
        return paused;
    }

    /** RECONNECT: every link now open closes as soon as it is not in use; idle ones at once. */
    public void reconnect() {
        links.expireAll(System.nanoTime());
        List<ServerConnection> toClose = new ArrayList<>();
        synchronized (this) {
            unused.collectToClose(System.nanoTime(), settings.idleTimeout().toNanos(), counts.open(), settings.minIdle(),
                    toClose);
        }
        toClose.forEach(link -> link.close("RECONNECT from the admin console"));
    }

    /** Whether links open before the last RECONNECT are still open (WAIT_CLOSE waits for this to turn false). */
    public boolean reconnectPending() {
        return links.reconnectPending();
    }

    /** Every open link, for SHOW SERVERS and KILL. */
    public List<ServerConnection> links() {
        return links.snapshot();
    }

    /** Its logged-in clients: joined and left through {@link Pools}, counted for SHOW POOLS. */
    PoolClients members() {
        return clients;
    }

    @Override
    public int clients() {
        return clients.count();
    }

    /** Whether a server of this pool ever logged in: the upstream accepted the database and user. */
    boolean accepted() {
        return links.knownLogin() != null;
    }

    /**
     * Closes the pool for good, idle servers included, if it has no client and no server in use or opening.
     */
    boolean tryRetire() {
        synchronized (this) {
            if (counts.open() != unused.idleCount() || counts.connecting() > 0 || !waiters.isEmpty()
                    || !clients.retireIfNone()) {
                return false;
            }
        }
        close("its pool was retired (autodb-idle-timeout)");
        return true;
    }

    public void updateSettings(PoolSettings newSettings) {
        this.settings = newSettings;
        openForWaiters();
    }

    @Override
    public PoolSettings settings() {
        return settings;
    }

    public PoolKey key() {
        return key;
    }

    PoolLimits limits() {
        return limits;
    }

    public PoolActivity activity() {
        return activity;
    }

    public StatsWindow statsWindow() {
        return statsWindow;
    }

    /** A consistent snapshot of the pool's counters. */
    @Override
    public synchronized PoolStats stats() {
        return new PoolStats(counts.open(), unused.idleCount(), unused.parkedCount(), counts.connecting(), waiters.size(),
                counts.buffering(settings, accepted()) ? waiters.size() : 0, waiters.longestWaitMicros(System.nanoTime()));
    }

    /** Closes idle links ({@code reason} for their log lines) and fails waiters; links in use close when released. */
    public void close(String reason) {
        List<ServerConnection> toClose;
        List<LinkRequest> toFail;
        synchronized (this) {
            closedBecause = reason;
            toClose = unused.drain();
            toFail = waiters.drain();
        }
        toClose.forEach(link -> link.close(reason));
        for (LinkRequest request : toFail) {
            request.refuse(new PoolTimeout("pool " + key + " is shutting down"));
        }
    }
}
