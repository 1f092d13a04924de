package io.pgferry.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgferry.config.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which hosts a new link tries, in which order, as hosts fail and report roles; the clock is the test's. */
class UpstreamHostsTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final UpstreamHosts hosts = new UpstreamHosts(Duration.ofSeconds(5), now::get, (host, state) -> { });
    private static final Upstream.Host FIRST = new Upstream.Host("10.0.0.1", 5432);
    private static final Upstream.Host SECOND = new Upstream.Host("10.0.0.2", 5433);

    @Test
    void anUnreachableHostIsLeftOutForBanTimeThenTriedAgain() {
        Upstream upstream = Upstream.parse("postgres://u@10.0.0.1,10.0.0.2:5433/db");
        assertEquals(List.of(FIRST, SECOND), hosts.candidates(upstream));
        hosts.unreachable(upstream, FIRST, "connection refused");
        assertEquals(List.of(SECOND), hosts.candidates(upstream), "banned");
        now.addAndGet(Duration.ofMillis(4_999).toNanos());
        assertEquals(List.of(SECOND), hosts.candidates(upstream), "not retried before ban-time passed");
        now.addAndGet(Duration.ofMillis(2).toNanos());
        assertEquals(List.of(FIRST, SECOND), hosts.candidates(upstream), "tried again after it");
        assertEquals(1, hosts.all().get(FIRST).bans());
        assertEquals("connection refused", hosts.all().get(FIRST).lastError());
    }

    @Test
    void aSingleHostIsNeverBannedItsPoolsLoginRetryPacesIt() {
        Upstream single = Upstream.parse("postgres://u@10.0.0.1/db");
        hosts.unreachable(single, FIRST, "connection refused");
        assertEquals(List.of(FIRST), hosts.candidates(single));
        assertEquals(0, hosts.all().get(FIRST).bans());
    }

    @Test
    void hostsOfTheWrongRoleAreTriedLast() {
        Upstream primary = Upstream.parse("postgres://u@10.0.0.1,10.0.0.2:5433/db?target_session_attrs=read-write");
        hosts.loggedIn(FIRST, UpstreamHosts.Role.STANDBY);
        hosts.loggedIn(SECOND, UpstreamHosts.Role.PRIMARY);
        assertEquals(List.of(SECOND, FIRST), hosts.candidates(primary));
        Upstream standby = Upstream.parse("postgres://u@10.0.0.1,10.0.0.2:5433/db?target_session_attrs=standby");
        assertEquals(List.of(FIRST, SECOND), hosts.candidates(standby));
        hosts.unreachable(primary, SECOND, "timed out");
        hosts.loggedIn(SECOND, UpstreamHosts.Role.PRIMARY);
        assertTrue(!hosts.all().get(SECOND).bannedAt(now.get()), "a login lifts the ban");
    }

    @Test
    void leastConnectionsTriesTheHostWithFewerServersFirst() {
        Upstream upstream = Upstream.parse("postgres://u@10.0.0.1,10.0.0.2:5433/db"
                + "?target_session_attrs=standby&load_balance_hosts=least-connections");
        ServerConnection onFirst = TestLinks.link(upstream.at(FIRST));
        hosts.serving(onFirst);
        assertEquals(List.of(SECOND, FIRST), hosts.candidates(upstream));
        hosts.serving(TestLinks.link(upstream.at(SECOND)));
        hosts.serving(TestLinks.link(upstream.at(SECOND)));
        assertEquals(List.of(FIRST, SECOND), hosts.candidates(upstream));
        assertEquals(2, hosts.all().get(SECOND).servers());
        onFirst.close("test");
        ((EmbeddedChannel) onFirst.channel()).runPendingTasks();
        assertEquals(0, hosts.all().get(FIRST).servers(), "a closed link no longer counts");
    }

    /** Servers before PostgreSQL 14 tell a link nothing when they change role: the host's known role decides. */
    @Test
    void aLinkWhoseHostNoLongerHasTheWantedRoleIsUnfit() {
        Upstream primary = Upstream.parse("postgres://u@10.0.0.1,10.0.0.2:5433/db?target_session_attrs=read-write");
        ServerConnection link = TestLinks.link(primary.at(FIRST));
        hosts.loggedIn(FIRST, UpstreamHosts.Role.PRIMARY);
        assertTrue(!hosts.unfit(link));
        hosts.loggedIn(FIRST, UpstreamHosts.Role.STANDBY);
        assertTrue(hosts.unfit(link), "demoted, as a health check read it");
        ServerConnection any = TestLinks.link(Upstream.parse("postgres://u@10.0.0.1,10.0.0.2:5433/db").at(FIRST));
        assertTrue(!hosts.unfit(any), "target any takes any role");
    }

    @Test
    void roundRobinStartsEachNewLinkOneHostFurther() {
        Upstream upstream = Upstream.parse("postgres://u@10.0.0.1,10.0.0.2:5433/db?load_balance_hosts=round-robin");
        assertEquals(List.of(FIRST, SECOND), hosts.candidates(upstream));
        assertEquals(List.of(SECOND, FIRST), hosts.candidates(upstream));
        assertEquals(List.of(FIRST, SECOND), hosts.candidates(upstream));
    }

    @Test
    void aPromotionIsCountedOnThePromotedHost() {
        hosts.loggedIn(FIRST, UpstreamHosts.Role.STANDBY);
        hosts.loggedIn(FIRST, UpstreamHosts.Role.STANDBY);
        assertEquals(0, hosts.all().get(FIRST).roleChanges());
        hosts.loggedIn(FIRST, UpstreamHosts.Role.PRIMARY);
        assertEquals(1, hosts.all().get(FIRST).roleChanges());
    }

    @Test
    void aStandbyLaggingPastTheLimitGoesAfterThePrimaryForStandbyTargets() {
        Upstream preferStandby = Upstream.parse("postgres://u@10.0.0.1,10.0.0.2:5433/db"
                + "?target_session_attrs=prefer-standby");
        hosts.loggedIn(FIRST, UpstreamHosts.Role.STANDBY);
        hosts.loggedIn(SECOND, UpstreamHosts.Role.PRIMARY);
        assertEquals(List.of(FIRST, SECOND), hosts.candidates(preferStandby));
        hosts.replayLag(FIRST, 3.5, Duration.ofSeconds(1));
        assertTrue(hosts.all().get(FIRST).lagging());
        assertEquals(List.of(SECOND, FIRST), hosts.candidates(preferStandby), "the primary is the better fallback");
        assertTrue(!hosts.fits(preferStandby, FIRST, UpstreamHosts.Role.STANDBY));
        hosts.replayLag(FIRST, 0.2, Duration.ofSeconds(1));
        assertEquals(List.of(FIRST, SECOND), hosts.candidates(preferStandby), "back once it caught up");
        hosts.replayLag(FIRST, 3.5, Duration.ZERO);
        assertTrue(!hosts.all().get(FIRST).lagging(), "no limit: never lagging");
    }
}
