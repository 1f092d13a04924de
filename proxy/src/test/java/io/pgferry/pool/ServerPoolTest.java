package io.pgferry.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgferry.backend.LinkLifecycle;
import io.pgferry.backend.ServerLoginFailure;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.TestLinks;
import io.pgferry.config.PoolMode;
import io.pgferry.config.PoolSettings;
import io.pgferry.config.ReadRouting;
import io.pgferry.metrics.PoolActivity;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's hand-over rules as a state machine, with links on embedded channels that open when the test says so:
 * FIFO waiters, acquire timeout, parked links, the reserve, shared limits, a link dying while parked, PAUSE and
 * RESUME (issue 23). Everything runs on the test's thread; nothing sleeps.
 */
class ServerPoolTest {
    private static final Duration LONG = Duration.ofMinutes(10);
    /** The clients' loop: an embedded loop runs every answer at once, on this thread. */
    private final EventLoop loop = new EmbeddedChannel().eventLoop();
    private final ArrayDeque<CompletableFuture<ServerConnection>> opening = new ArrayDeque<>();
    private final List<ServerConnection> opened = new ArrayList<>();

    /** Opens are answered by {@link #openNext()}, in order. */
    private final LinkSource source = (eventLoop, timeout) -> {
        CompletableFuture<ServerConnection> future = new CompletableFuture<>();
        opening.add(future);
        return future;
    };

    @AfterEach
    void closeLinks() {
        opened.forEach(link -> link.close("the test ends"));
    }

    private static PoolSettings settings(int size, Duration acquireTimeout, int reserveSize, Duration reserveTimeout) {
        return buffering(size, acquireTimeout, reserveSize, reserveTimeout, Duration.ZERO);
    }

    private static PoolSettings buffering(int size, Duration acquireTimeout, int reserveSize, Duration reserveTimeout,
                                          Duration failoverBuffer) {
        return new PoolSettings(PoolMode.TRANSACTION, size, 0, acquireTimeout, LONG, LONG, 0, LONG, "DISCARD ALL",
                Duration.ofSeconds(15), reserveSize, reserveTimeout, Duration.ZERO, Duration.ZERO, failoverBuffer,
                LONG, "", ReadRouting.OFF, Duration.ZERO);
    }

    /** Fails the oldest open in progress as a server that cannot be reached does. */
    private void failNext(String sqlState) {
        opening.poll().completeExceptionally(new ServerLoginFailure(sqlState, "connection refused"));
    }

    private static PoolLimits noLimits() {
        return new PoolLimits(new ConnectionLimit(() -> 0), new ConnectionLimit(() -> 0));
    }

    private ServerPool pool(PoolSettings settings, PoolLimits limits) {
        return pool("u", settings, limits);
    }

    private ServerPool pool(String user, PoolSettings settings, PoolLimits limits) {
        return pool(user, settings, limits, PoolActivity.NONE);
    }

    private ServerPool pool(String user, PoolSettings settings, PoolLimits limits, PoolActivity activity) {
        ServerPool pool = new ServerPool(new PoolKey("db", user, false), source, settings, activity, limits,
                link -> false);
        limits.join(pool);
        return pool;
    }

    /** Completes the oldest open in progress with a fresh link. */
    private ServerConnection openNext() {
        ServerConnection link = TestLinks.link();
        opened.add(link);
        opening.poll().complete(link);
        return link;
    }

    /** One client's request and what it got. */
    private final class Client {
        ServerConnection link;
        Throwable refusal;
        final LinkRequest request = new LinkRequest(loop, (request, granted, failure) -> {
            link = granted;
            refusal = failure;
        });

        Client acquire(ServerPool pool) {
            pool.acquire(request);
            return this;
        }
    }

    @Test
    void waitersGetReleasedLinksInArrivalOrder() {
        ServerPool pool = pool(settings(1, LONG, 0, LONG), noLimits());
        Client first = new Client().acquire(pool);
        ServerConnection link = openNext();
        assertSame(link, first.link);
        assertEquals(LinkLifecycle.ACTIVE, link.lifecycle());
        Client second = new Client().acquire(pool);
        Client third = new Client().acquire(pool);
        assertTrue(opening.isEmpty(), "no room for a second link");
        assertEquals(2, pool.stats().waiting());
        pool.release(link);
        assertSame(link, second.link);
        assertNull(third.link);
        pool.release(link);
        assertSame(link, third.link);
        assertEquals(0, pool.stats().waiting());
        pool.release(link);
        assertEquals(LinkLifecycle.IDLE, link.lifecycle(), "back in the pool, nobody waiting");
    }

    @Test
    void aWaiterPastAcquireTimeoutIsRefusedAtHousekeeping() {
        ServerPool pool = pool(settings(1, Duration.ofNanos(1), 0, LONG), noLimits());
        Client holder = new Client().acquire(pool);
        openNext();
        Client waiter = new Client().acquire(pool);
        assertNull(waiter.refusal);
        pool.housekeep(loop, Duration.ofSeconds(15));
        assertInstanceOf(PoolTimeout.class, waiter.refusal);
        assertTrue(waiter.refusal.getMessage().startsWith("query_wait_timeout"), waiter.refusal.getMessage());
        assertTrue(holder.link != null && holder.refusal == null);
    }

    @Test
    void aParkedLinkGoesToTheNextClientThatNeedsOne() {
        ServerPool pool = pool(settings(1, LONG, 0, LONG), noLimits());
        Client owner = new Client().acquire(pool);
        ServerConnection link = openNext();
        assertTrue(pool.park(link, owner), "nobody waits: the owner keeps it");
        assertEquals(1, pool.stats().parked());
        assertEquals(LinkLifecycle.PARKED, link.lifecycle());
        Client other = new Client().acquire(pool);
        assertSame(link, other.link, "taken from its parking owner at once");
        assertEquals(LinkLifecycle.ACTIVE, link.lifecycle());
        assertFalse(pool.unpark(link, owner, System.nanoTime()), "the owner must ask the pool again");
    }

    @Test
    void parkingIsRefusedWhileSomeoneWaits() {
        ServerPool pool = pool(settings(1, LONG, 0, LONG), noLimits());
        Client owner = new Client().acquire(pool);
        ServerConnection link = openNext();
        Client waiter = new Client().acquire(pool);
        assertFalse(pool.park(link, owner));
        pool.release(link);
        assertSame(link, waiter.link);
    }

    @Test
    void theReserveOpensForAClientWaitingPastReserveTimeout() {
        ServerPool pool = pool(settings(1, LONG, 1, Duration.ofNanos(1)), noLimits());
        new Client().acquire(pool);
        openNext();
        Client waiter = new Client().acquire(pool);
        assertTrue(opening.isEmpty());
        pool.housekeep(loop, Duration.ofSeconds(15));
        assertEquals(1, opening.size(), "one reserve link opens");
        ServerConnection reserve = openNext();
        assertSame(reserve, waiter.link);
        assertEquals(2, pool.stats().open());
    }

    @Test
    void aSharedDatabaseLimitClosesAnotherPoolsIdleLinkToMakeRoom() {
        ConnectionLimit database = new ConnectionLimit(() -> 1);
        ServerPool first = pool(settings(5, LONG, 0, LONG), new PoolLimits(database, new ConnectionLimit(() -> 0)));
        ServerPool second = pool("v", settings(5, LONG, 0, LONG), new PoolLimits(database, new ConnectionLimit(() -> 0)));
        Client a = new Client().acquire(first);
        ServerConnection idle = openNext();
        first.release(idle);
        assertEquals(1, database.used());
        Client b = new Client().acquire(second);
        assertFalse(idle.isUsable(), "the other pool's idle link was closed for room");
        assertEquals(1, opening.size(), "and the slot it freed opens a link for the waiter");
        ServerConnection fresh = openNext();
        assertSame(fresh, b.link);
        assertEquals(1, database.used());
        assertSame(idle, a.link);
    }

    @Test
    void aLinkThatDiesWhileParkedIsNeverHandedOut() {
        ServerPool pool = pool(settings(1, LONG, 0, LONG), noLimits());
        Client owner = new Client().acquire(pool);
        ServerConnection link = openNext();
        assertTrue(pool.park(link, owner));
        link.close("the test closes it");
        assertEquals(LinkLifecycle.CLOSED, link.lifecycle());
        assertEquals(0, pool.stats().open());
        assertFalse(pool.unpark(link, owner, System.nanoTime()));
        Client next = new Client().acquire(pool);
        assertEquals(1, opening.size(), "a fresh link opens instead");
        ServerConnection fresh = openNext();
        assertSame(fresh, next.link);
    }

    @Test
    void pauseHoldsEveryClientBackUntilResume() {
        ServerPool pool = pool(settings(2, LONG, 0, LONG), noLimits());
        Client first = new Client().acquire(pool);
        ServerConnection link = openNext();
        pool.release(link);
        assertEquals(1, pool.stats().idle());
        pool.pause();
        Client held = new Client().acquire(pool);
        assertNull(held.link, "an idle link is not handed out while paused");
        assertTrue(opening.isEmpty(), "nor is one opened");
        pool.resume();
        assertSame(link, held.link);
        assertSame(link, first.link);
    }

    @Test
    void clientsWaitOutAnUpstreamThatWorkedBeforeUntilFailoverBufferTimeout() {
        ServerPool pool = pool(buffering(1, LONG, 0, LONG, LONG), noLimits());
        Client before = new Client().acquire(pool);
        openNext().close("the server went away");
        assertTrue(before.refusal == null);
        Client waiting = new Client().acquire(pool);
        failNext("08006");
        assertNull(waiting.refusal, "buffered: the upstream worked before and may come back");
        Client arriving = new Client().acquire(pool);
        assertNull(arriving.refusal, "also during the retry pause");
        assertEquals(2, pool.stats().waiting());
        assertEquals(2, pool.stats().buffered(), "both count as buffered (the metrics' gauge)");

        ServerPool briefly = pool("v", buffering(1, LONG, 0, LONG, Duration.ofNanos(1)), noLimits());
        new Client().acquire(briefly);
        openNext().close("the server went away");
        Client tooLong = new Client().acquire(briefly);
        failNext("08006");
        assertInstanceOf(ServerLoginFailure.class, tooLong.refusal, "past failover-buffer-timeout: the error");
    }

    @Test
    void aClientServedAfterWaitingOutAFailedLoginHasItsWaitRecorded() {
        List<Long> failoverWaits = new ArrayList<>();
        PoolActivity recording = new PoolActivity() {
            @Override
            public void failoverWait(long nanos) {
                failoverWaits.add(nanos);
            }
        };
        ServerPool pool = pool("v", buffering(2, LONG, 0, LONG, LONG), noLimits(), recording);
        new Client().acquire(pool);
        ServerConnection held = openNext();
        Client waiting = new Client().acquire(pool);
        failNext("08006");
        assertEquals(1, pool.stats().buffered());
        pool.release(held);
        assertSame(held, waiting.link);
        assertEquals(1, failoverWaits.size(), "the buffered client's wait goes to the failover-wait histogram");
    }

    @Test
    void withoutBufferingOrForALoginRefusalTheOldestWaiterGetsTheError() {
        ServerPool unbuffered = pool(settings(1, LONG, 0, LONG), noLimits());
        new Client().acquire(unbuffered);
        openNext().close("the server went away");
        Client waiting = new Client().acquire(unbuffered);
        failNext("08006");
        assertInstanceOf(ServerLoginFailure.class, waiting.refusal);

        ServerPool buffered = pool("v", buffering(1, LONG, 0, LONG, LONG), noLimits());
        new Client().acquire(buffered);
        openNext().close("the server went away");
        Client refused = new Client().acquire(buffered);
        failNext("28P01");
        assertInstanceOf(ServerLoginFailure.class, refused.refusal, "a wrong password is not waited out");

        ServerPool neverWorked = pool("w", buffering(1, LONG, 0, LONG, LONG), noLimits());
        Client first = new Client().acquire(neverWorked);
        failNext("08006");
        assertInstanceOf(ServerLoginFailure.class, first.refusal, "an upstream that never worked is not waited for");
    }
}
