package io.pgferry.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgferry.backend.ExpectedReplies.Action;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The expected-reply queue as pure state: one protocol flow per test, replies checked by type and order. */
class ExpectedRepliesTest {
    private final RecordingSink sink = new RecordingSink();
    private final ExpectedReplies replies = new ExpectedReplies(sink);

    private static final class RecordingSink implements ReplySink {
        final StringBuilder forwarded = new StringBuilder();
        final StringBuilder synthesized = new StringBuilder();
        final StringBuilder injectedFailures = new StringBuilder();
        final List<String> readyForQuery = new ArrayList<>();

        @Override
        public void forward(ByteBuf message) {
            forwarded.append((char) message.getByte(0));
            message.release();
        }

        @Override
        public void forwardSynthesized(ByteBuf message) {
            synthesized.append((char) message.getByte(0));
            forward(message);
        }

        @Override
        public void injectedRequestFailed(Request request, ByteBuf errorResponse) {
            injectedFailures.append((char) errorResponse.getByte(0));
            errorResponse.release();
        }

        @Override
        public void readyForQuery(byte transactionStatus, boolean idle) {
            readyForQuery.add((char) transactionStatus + (idle ? " idle" : " busy"));
        }
    }

    private static ByteBuf message(char type) {
        return Unpooled.wrappedBuffer(new byte[] {(byte) type, 0, 0, 0, 4});
    }

    private static ByteBuf readyForQuery(char status) {
        return Unpooled.wrappedBuffer(new byte[] {'Z', 0, 0, 0, 5, (byte) status});
    }

    private void server(String types) {
        for (char type : types.toCharArray()) {
            replies.onServerMessage(type == 'Z' ? readyForQuery('I') : message(type));
        }
    }

    @AfterEach
    void clear() {
        replies.clear();
    }

    @Test
    void simpleQueryForwardsEverythingUpToReadyForQuery() {
        replies.expect(Request.QUERY, Action.FORWARD);
        server("TDDCTDCZ");
        assertEquals("TDDCTDCZ", sink.forwarded.toString());
        assertEquals(List.of("I idle"), sink.readyForQuery);
        assertTrue(replies.isEmpty());
    }

    @Test
    void errorInsideSimpleQueryWaitsForReadyForQuery() {
        replies.expect(Request.QUERY, Action.FORWARD);
        server("CE");
        assertFalse(replies.isEmpty());
        server("Z");
        assertEquals("CEZ", sink.forwarded.toString());
        assertTrue(replies.isEmpty());
    }

    @Test
    void extendedPipelineCompletesEachRequest() {
        for (Request request : List.of(Request.PARSE, Request.BIND, Request.DESCRIBE, Request.EXECUTE, Request.SYNC)) {
            replies.expect(request, Action.FORWARD);
        }
        server("12TDDC");
        assertEquals(List.of(), sink.readyForQuery);
        server("Z");
        assertEquals("12TDDCZ", sink.forwarded.toString());
        assertEquals(List.of("I idle"), sink.readyForQuery);
    }

    @Test
    void describeStatementEndsAtRowDescriptionOrNoData() {
        replies.expect(Request.DESCRIBE, Action.FORWARD);
        replies.expect(Request.DESCRIBE, Action.FORWARD);
        replies.expect(Request.SYNC, Action.FORWARD);
        server("tTtnZ");
        assertEquals("tTtnZ", sink.forwarded.toString());
    }

    @Test
    void errorDropsEverythingUpToTheSync() {
        replies.expect(Request.PARSE, Action.FORWARD);
        replies.expect(Request.BIND, Action.FORWARD);
        replies.fake(message('1'));
        replies.expect(Request.EXECUTE, Action.FORWARD);
        replies.expect(Request.SYNC, Action.FORWARD);
        replies.expect(Request.BIND, Action.FORWARD);
        replies.expect(Request.EXECUTE, Action.FORWARD);
        replies.expect(Request.SYNC, Action.FORWARD);
        server("1EZ");
        assertEquals("1EZ", sink.forwarded.toString(), "the fake reply after the error is dropped, as the server drops requests");
        server("2CZ");
        assertEquals("1EZ2CZ", sink.forwarded.toString());
        assertTrue(replies.isEmpty());
    }

    /** The hook of the request that failed hears the server's SQLSTATE; those the server then skips hear null. */
    @Test
    void aFailureHookHearsTheSqlStateOfItsOwnError() {
        List<String> heard = new ArrayList<>();
        replies.expect(Request.BIND, Action.FORWARD, sqlState -> heard.add("bind " + sqlState));
        replies.expect(Request.EXECUTE, Action.FORWARD, sqlState -> heard.add("execute " + sqlState));
        replies.expect(Request.SYNC, Action.FORWARD);
        replies.onServerMessage(io.pgferry.protocol.BackendMessages.cachedPlanChanged(Unpooled.buffer().alloc()));
        server("Z");
        assertEquals(List.of("bind 0A000", "execute null"), heard);
        assertEquals("EZ", sink.forwarded.toString());
        assertTrue(replies.isEmpty());
    }

    /** pgferry re-applies a client's setting: the client hears the ParameterStatus, and nothing else, errors included. */
    @Test
    void skipButReportForwardsOnlyParameterStatus() {
        replies.expect(Request.QUERY, Action.FORWARD);
        replies.expect(Request.QUERY, Action.SKIP_BUT_REPORT);
        replies.expect(Request.QUERY, Action.SKIP_BUT_REPORT);
        server("SCZ" + "NSCZ" + "EZ");
        assertEquals("SCZS", sink.forwarded.toString());
        assertEquals("", sink.injectedFailures.toString(), "a failed restore is not the client's error");
        assertTrue(replies.isEmpty());
    }

    @Test
    void errorBeforeADelayedSyncDiscardsLaterRequestsUntilSync() {
        replies.expect(Request.PARSE, Action.FORWARD);
        replies.expect(Request.BIND, Action.FORWARD);
        server("E");
        assertFalse(replies.isEmpty(), "the server still owes a ReadyForQuery once Sync comes");
        replies.expect(Request.EXECUTE, Action.FORWARD);
        replies.fake(message('1'));
        replies.expect(Request.SYNC, Action.FORWARD);
        server("Z");
        assertEquals("EZ", sink.forwarded.toString());
        assertTrue(replies.isEmpty());
    }

    @Test
    void fakeRepliesKeepTheirPlaceInThePipeline() {
        replies.fake(message('1'));
        assertEquals("1", sink.forwarded.toString(), "nothing outstanding: emitted at once");
        replies.expect(Request.BIND, Action.FORWARD);
        replies.fake(message('3'));
        replies.expect(Request.EXECUTE, Action.FORWARD);
        replies.fake(message('1'));
        replies.expect(Request.SYNC, Action.FORWARD);
        server("2");
        assertEquals("123", sink.forwarded.toString());
        server("DCZ");
        assertEquals("123DC1Z", sink.forwarded.toString());
        assertEquals("131", sink.synthesized.toString(), "pgferry's own replies are marked as such for the client");
    }

    @Test
    void skippedRequestsAreSwallowedAndTheirErrorsReported() {
        replies.expect(Request.QUERY, Action.SKIP);
        replies.expect(Request.QUERY, Action.FORWARD);
        server("CSZ");
        assertEquals("", sink.forwarded.toString(), "ParameterStatus during an injected SET belongs to it");
        server("TDCZ");
        assertEquals("TDCZ", sink.forwarded.toString());
        replies.expect(Request.PARSE, Action.SKIP);
        replies.expect(Request.BIND, Action.FORWARD);
        replies.expect(Request.SYNC, Action.FORWARD);
        server("EZ");
        assertEquals("E", sink.injectedFailures.toString());
        assertEquals(List.of("I busy", "I idle", "I idle"), sink.readyForQuery);
    }

    @Test
    void asynchronousMessagesPassWhenNothingIsOutstanding() {
        server("NA");
        assertEquals("NA", sink.forwarded.toString());
    }

    @Test
    void unexpectedReadyForQueryMeansTheLinkIsOutOfSync() {
        assertThrows(ServerOutOfSync.class, () -> server("Z"));
        replies.expect(Request.PARSE, Action.FORWARD);
        assertThrows(ServerOutOfSync.class, () -> server("Z"));
    }

    @Test
    void flushWithoutSyncLeavesTheQueueEmptyButNoReadyForQuery() {
        replies.expect(Request.PARSE, Action.FORWARD);
        replies.expect(Request.BIND, Action.FORWARD);
        replies.expect(Request.EXECUTE, Action.FORWARD);
        server("12DC");
        assertTrue(replies.isEmpty());
        assertEquals(List.of(), sink.readyForQuery, "the link stays with its client until the Sync's ReadyForQuery");
        replies.expect(Request.SYNC, Action.FORWARD);
        server("Z");
        assertEquals(List.of("I idle"), sink.readyForQuery);
    }
}
