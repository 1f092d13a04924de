package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.PoolSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server links for one {@link PoolKey}. Idle links are reused most-recently-released first, which keeps
 * few links warm, as PgBouncer does. Clients that find no idle link and no room to open one wait in FIFO order
 * until a link is released or their acquire timeout fires.
 *
 * <p>Thread-safe: state is guarded by this object's monitor, held only for queue operations; futures complete
 * and links close outside it. Owns the idle links (closes them on {@link #close()}).
 */
public final class ServerPool {
    private static final Logger LOG = LoggerFactory.getLogger(ServerPool.class);

    private static final int SAME_LOOP_LOOKAHEAD = 4;

    private final PoolKey key;
    private final ServerConnector connector;
    private final ServerConnector.Login login;
    private volatile PoolSettings settings;
    private final ArrayDeque<ServerConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    /** Links kept by the client that last used them, between its transactions, until someone else needs one. */
    private final ArrayDeque<ServerConnection> parked = new ArrayDeque<>();
    private int open;
    private int connecting;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger clients = new java.util.concurrent.atomic.AtomicInteger();

    private static final class Waiter {
        final CompletableFuture<ServerConnection> future = new CompletableFuture<>();
        final EventLoop loop;
        final long since = System.nanoTime();
        ScheduledFuture<?> timeout;

        Waiter(EventLoop loop) {
            this.loop = loop;
        }
    }

    public ServerPool(PoolKey key, ServerConnector connector, ServerConnector.Login login, PoolSettings settings) {
        this.key = key;
        this.connector = connector;
        this.login = login;
        this.settings = settings;
    }

    /**
     * Returns a link for exclusive use: idle at once, newly opened, or released by another client. The future
     * completes on an arbitrary thread; callers hop to their own loop.
     */
    public CompletableFuture<ServerConnection> acquire(EventLoop loop) {
        Waiter waiter = new Waiter(loop);
        boolean openNew;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new PoolTimeout("pool " + key + " is closed"));
            }
            ServerConnection link = takeIdle(loop);
            openNew = open + connecting < settings.size();
            if (link == null && !openNew) {
                link = takeSameLoopFirst(parked, loop);
            }
            if (link != null) {
                return CompletableFuture.completedFuture(link);
            }
            waiters.add(waiter);
            if (openNew) {
                connecting++;
            }
        }
        long timeoutMillis = settings.acquireTimeout().toMillis();
        if (timeoutMillis > 0) {
            waiter.timeout = loop.schedule(() -> expire(waiter), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        if (openNew) {
            openLink(loop);
        }
        return waiter.future;
    }

    /** Takes the most recently released usable link, preferring one on the caller's event loop. */
    private ServerConnection takeIdle(EventLoop loop) {
        ServerConnection sameLoop = null;
        for (Iterator<ServerConnection> it = idle.iterator(); it.hasNext(); ) {
            ServerConnection link = it.next();
            if (!link.isUsable()) {
                it.remove();
                continue;
            }
            if (link.eventLoop() == loop) {
                sameLoop = link;
                it.remove();
                break;
            }
        }
        if (sameLoop != null) {
            return sameLoop;
        }
        ServerConnection first;
        while ((first = idle.pollFirst()) != null) {
            if (first.isUsable()) {
                return first;
            }
        }
        return null;
    }

    /**
     * Removes and returns the first entry on {@code loop} among the first few, else the first entry: a client and
     * its link on one event loop talk without waking another thread. Looking only a few deep keeps waiters
     * nearly FIFO, so no waiter starves.
     */
    private static <T> T takeSameLoopFirst(ArrayDeque<T> queue, EventLoop loop) {
        int looked = 0;
        for (Iterator<T> it = queue.iterator(); it.hasNext() && looked++ < SAME_LOOP_LOOKAHEAD; ) {
            T entry = it.next();
            EventLoop entryLoop = entry instanceof ServerConnection link ? link.eventLoop() : ((Waiter) entry).loop;
            if (entryLoop == loop) {
                it.remove();
                return entry;
            }
        }
        return queue.pollFirst();
    }

    private void expire(Waiter waiter) {
        boolean removed;
        synchronized (this) {
            removed = waiters.remove(waiter);
        }
        if (removed) {
            waiter.future.completeExceptionally(new PoolTimeout("query_wait_timeout: no server connection in pool "
                    + key + " became free within " + settings.acquireTimeout().toMillis() + " ms (pool size "
                    + settings.size() + ")"));
        }
    }

    /**
     * Lets a client keep an idle link between transactions, which spares a hand-over per transaction, unless
     * another client waits. Returns {@code false} if the link must be released instead.
     */
    public synchronized boolean park(ServerConnection link, Object owner) {
        if (!waiters.isEmpty() || closed) {
            return false;
        }
        parked.addLast(link);
        link.parkedBy(owner);
        link.markIdle();
        return true;
    }

    /**
     * The parking client takes its link back; {@code false} if another client took it meanwhile (and perhaps
     * parked it again, as its own).
     */
    public synchronized boolean unpark(ServerConnection link, Object owner) {
        return link.parkedBy() == owner && parked.remove(link);
    }

    /** Removes a waiter that gave up (its client disconnected or cancelled). */
    public void abandon(CompletableFuture<ServerConnection> pending) {
        synchronized (this) {
            waiters.removeIf(waiter -> waiter.future == pending);
        }
    }

    private void openLink(EventLoop loop) {
        connector.connect(loop, login, settings.connectTimeout()).whenComplete((link, error) -> {
            if (error != null) {
                Waiter failed;
                synchronized (this) {
                    connecting--;
                    failed = waiters.poll();
                }
                LOG.warn("pool {}: cannot open server connection: {}", key, error.getMessage());
                if (failed != null) {
                    cancelTimer(failed);
                    failed.future.completeExceptionally(error);
                }
                return;
            }
            long lifetime = settings.maxLifetime().toNanos();
            if (lifetime > 0) {
                double jitter = ThreadLocalRandom.current().nextDouble() * settings.lifetimeJitter();
                link.expireAt(link.createdNanos() + (long) (lifetime * (1 - jitter)));
            }
            link.onClose(this::onLinkClosed);
            LOG.info("pool {}: server connection opened, pid {}", key, link.processId());
            synchronized (this) {
                connecting--;
                open++;
            }
            handOver(link);
        });
    }

    /**
     * Returns a link that is idle and reset. A link that is broken or past its lifetime is closed instead;
     * the next waiter may then open a fresh one.
     */
    public void release(ServerConnection link) {
        if (!link.isUsable() || System.nanoTime() - link.expiresAtNanos() > 0 || closed) {
            link.close();
            return;
        }
        link.markIdle();
        handOver(link);
    }

    private void handOver(ServerConnection link) {
        Waiter waiter;
        synchronized (this) {
            waiter = takeSameLoopFirst(waiters, link.eventLoop());
            if (waiter == null) {
                idle.addFirst(link);
                return;
            }
        }
        cancelTimer(waiter);
        if (!waiter.future.complete(link)) {
            release(link);
        }
    }

    private static void cancelTimer(Waiter waiter) {
        if (waiter.timeout != null) {
            waiter.timeout.cancel(false);
        }
    }

    private void onLinkClosed(ServerConnection link) {
        boolean openForWaiter;
        EventLoop loop;
        synchronized (this) {
            open--;
            idle.remove(link);
            parked.remove(link);
            Waiter next = waiters.peek();
            openForWaiter = next != null && !closed && open + connecting < settings.size();
            loop = next == null ? null : next.loop;
            if (openForWaiter) {
                connecting++;
            }
        }
        if (openForWaiter) {
            openLink(loop);
        }
    }

    /** Closes idle links past their idle timeout or lifetime and opens links up to min-idle. */
    public void housekeep(EventLoop loop) {
        long now = System.nanoTime();
        long idleTimeout = settings.idleTimeout().toNanos();
        List<ServerConnection> toClose = new ArrayList<>();
        int missing;
        synchronized (this) {
            // Parked links are idle too: their client has had no transaction since it parked them.
            for (ArrayDeque<ServerConnection> unused : List.of(idle, parked)) {
                for (Iterator<ServerConnection> it = unused.descendingIterator(); it.hasNext(); ) {
                    ServerConnection link = it.next();
                    boolean expired = now - link.expiresAtNanos() > 0;
                    boolean idleTooLong = idleTimeout > 0 && now - link.idleSinceNanos() > idleTimeout
                            && open - toClose.size() > settings.minIdle();
                    if (expired || idleTooLong || !link.isUsable()) {
                        it.remove();
                        toClose.add(link);
                    }
                }
            }
            missing = closed ? 0 : Math.max(0, settings.minIdle() - (open - toClose.size()) - connecting);
            connecting += missing;
        }
        toClose.forEach(ServerConnection::close);
        for (int i = 0; i < missing; i++) {
            openLink(loop);
        }
    }

    /** A client of this pool logged in or left; counted for SHOW POOLS. */
    public void clientJoined() {
        clients.incrementAndGet();
    }

    public void clientLeft() {
        clients.decrementAndGet();
    }

    public int clients() {
        return clients.get();
    }

    public void updateSettings(PoolSettings newSettings) {
        this.settings = newSettings;
    }

    public PoolSettings settings() {
        return settings;
    }

    public PoolKey key() {
        return key;
    }

    /** A consistent snapshot of the pool's counters. */
    public synchronized PoolStats stats() {
        Waiter oldest = waiters.peekFirst();
        long longestWaitMicros = oldest == null ? 0 : (System.nanoTime() - oldest.since) / 1000;
        return new PoolStats(open, idle.size(), parked.size(), connecting, waiters.size(), longestWaitMicros);
    }

    /** Closes idle links and fails waiters; links in use close when released. */
    public void close() {
        List<ServerConnection> toClose;
        List<Waiter> toFail;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle);
            toClose.addAll(parked);
            idle.clear();
            parked.clear();
            toFail = new ArrayList<>(waiters);
            waiters.clear();
        }
        toClose.forEach(ServerConnection::close);
        for (Waiter waiter : toFail) {
            cancelTimer(waiter);
            waiter.future.completeExceptionally(new PoolTimeout("pool " + key + " is shutting down"));
        }
    }
}
