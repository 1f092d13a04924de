package io.pgferry.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgferry.RawClient;
import io.pgferry.cache.CatalogSource;
import io.pgferry.cache.StatementAnalyzer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What read routing sends to a standby, judged from the client's messages alone (no catalog loaded). */
class ReadRouterTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private final List<Boolean> catalogRequests = new ArrayList<>();
    private final ReadRouter router = new ReadRouter(new StatementAnalyzer(), new CatalogSource(),
            catalogRequests::add, Duration.ofSeconds(1));
    private final List<ByteBuf> frames = new ArrayList<>();

    @AfterEach
    void releaseFrames() {
        frames.forEach(ByteBuf::release);
    }

    private List<ByteBuf> batch(byte[]... messages) {
        List<ByteBuf> batch = new ArrayList<>();
        for (byte[] message : messages) {
            ByteBuf frame = Unpooled.wrappedBuffer(message);
            frames.add(frame);
            batch.add(frame);
        }
        return batch;
    }

    private boolean toStandby(long now, byte[]... messages) {
        ReadRouter.Verdict verdict = router.judge(batch(messages));
        boolean standby = router.toStandby(verdict, now);
        router.dispatched(verdict);
        return standby;
    }

    private static byte[][] extended(String name, String sql) {
        return new byte[][] {RawClient.parse(name, sql), RawClient.bind("", name), RawClient.execute("", 0),
            RawClient.sync()};
    }

    @Test
    void onlyCompleteReadOnlyBatchesGoToAStandby() {
        assertTrue(toStandby(0, RawClient.query("SELECT * FROM notes WHERE id = 1")));
        assertTrue(toStandby(0, extended("", "SELECT body FROM notes WHERE id = $1")));
        assertFalse(toStandby(0, RawClient.query("SELECT * FROM notes FOR UPDATE")), "locks rows");
        assertFalse(toStandby(0, RawClient.query("SELECT 1; SELECT 2")), "several statements");
        assertFalse(toStandby(0, RawClient.query("BEGIN")), "opens a transaction");
        assertFalse(toStandby(0, RawClient.parse("", "SELECT 1"), RawClient.bind("", ""),
                RawClient.execute("", 0)), "no Sync yet: the link would not come back");
        assertFalse(toStandby(0, RawClient.query("SELECT 1"), RawClient.query("SET search_path = a")));
    }

    @Test
    void setShowAndLockingReadsNeedThePrimaryButAreNotWrites() {
        assertFalse(toStandby(0, RawClient.query("SET application_name = 'x'")));
        assertFalse(toStandby(0, RawClient.query("SHOW TimeZone")));
        router.linkReleased(0);
        assertTrue(toStandby(1, RawClient.query("SELECT 1")), "no write: no read-your-writes window");
    }

    @Test
    void aWriteKeepsReadsOnThePrimaryForTheWindowAfterItsLinkCameBack() {
        assertFalse(toStandby(0, RawClient.query("INSERT INTO notes VALUES (1)")));
        assertFalse(toStandby(5 * SECOND, RawClient.query("SELECT 1")), "the write's link is still out");
        router.linkReleased(5 * SECOND);
        assertFalse(toStandby(5 * SECOND + SECOND / 2, RawClient.query("SELECT 1")), "within the window");
        assertTrue(toStandby(6 * SECOND, RawClient.query("SELECT 1")), "the window has passed");
    }

    @Test
    void namedStatementsAreJudgedByWhatTheyWerePreparedAs() {
        assertTrue(toStandby(0, RawClient.parse("read", "SELECT body FROM notes WHERE id = $1"), RawClient.sync()));
        assertFalse(toStandby(0, RawClient.parse("write", "DELETE FROM notes WHERE id = $1"), RawClient.sync()));
        router.linkReleased(0);
        long later = 10 * SECOND;
        assertTrue(toStandby(later, RawClient.bind("", "read", "1"), RawClient.execute("", 0), RawClient.sync()));
        assertFalse(toStandby(later, RawClient.bind("", "never-prepared"), RawClient.execute("", 0),
                RawClient.sync()), "a name pgferry did not see prepared may write");
        router.linkReleased(later);
        assertFalse(toStandby(later + 10 * SECOND, RawClient.close('S', "read"), RawClient.bind("", "read"),
                RawClient.execute("", 0), RawClient.sync()), "closed in the same batch");
    }

    @Test
    void aFunctionTheCatalogDoesNotKnowMayWriteAndAsksForTheCatalog() {
        assertFalse(toStandby(0, RawClient.query("SELECT add_note('x')")));
        assertEquals(List.of(true), catalogRequests);
        router.linkReleased(0);
        assertFalse(toStandby(SECOND / 2, RawClient.query("SELECT 1")), "it counted as a write");
    }

    @Test
    void judgingTheSameBatchTwiceGivesTheSameAnswer() {
        List<ByteBuf> pending = batch(RawClient.bind("", "s"), RawClient.parse("s", "SELECT 1"), RawClient.sync());
        ReadRouter.Verdict first = router.judge(pending);
        ReadRouter.Verdict second = router.judge(pending);
        assertFalse(first.readOnly(), "binds s before this batch prepares it");
        assertEquals(first.readOnly(), second.readOnly());
    }
}
