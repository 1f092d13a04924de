package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.pgferry.backend.ServerConnection;
import io.pgferry.cache.CachedResult;
import io.pgferry.cache.SessionCache;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import java.util.List;
import java.util.function.Function;

/**
 * Answers from the result cache a client that holds its link, in order with its other replies (a FAKE entry on
 * the link): a session-mode client, or a transaction-mode one whose request arrived before its idle link went
 * back. Only when nothing is outstanding and no transaction is open, so the ReadyForQuery it makes up ('I') is
 * the truth. A Parse is never answered here: it must reach the server that holds the client's statements.
 * Runs on the link's loop.
 */
final class HeldLinkAnswers {
    private final SessionCache cache;

    HeldLinkAnswers(SessionCache cache) {
        this.cache = cache;
    }

    /**
     * Answers {@code batch.get(at)} if it is a simple Query, or starts a {@code Bind [Describe portal] Execute Sync}
     * group, whose result the cache holds; {@code statements} gives the text and types of the client's statement
     * of a name ({@code null} if unknown). Returns how many frames it answered and released, 0 if none.
     */
    int answer(ServerConnection link, List<ByteBuf> batch, int at, Object settings,
               Function<String, byte[]> statements) {
        if (!link.hasNoOutstandingReplies() || link.transactionStatus() != 'I') {
            return 0;
        }
        ByteBuf first = batch.get(at);
        byte type = Messages.type(first);
        CachedResult result;
        int frames;
        boolean describe = false;
        if (type == FrontendTag.QUERY) {
            result = cache.peek(Messages.cString(first, first.readerIndex() + Messages.BODY),
                    CachedAnswers.queryKey(first), settings, true, link.eventLoop());
            frames = 1;
        } else if (type == FrontendTag.BIND) {
            int next = at + 1;
            describe = next < batch.size() && Messages.type(batch.get(next)) == FrontendTag.DESCRIBE;
            if (describe && !CachedAnswers.isUnnamedPortal(batch.get(next++), true)) {
                return 0;
            }
            if (next + 1 >= batch.size() || Messages.type(batch.get(next)) != FrontendTag.EXECUTE
                    || !CachedAnswers.isUnnamedPortal(batch.get(next), false)
                    || Messages.type(batch.get(next + 1)) != FrontendTag.SYNC
                    || !ExtendedMessages.bindPortal(first).isEmpty()) {
                return 0;
            }
            byte[] statement = statements.apply(ExtendedMessages.bindStatement(first));
            if (statement == null) {
                return 0;
            }
            result = cache.peek(SessionCache.text(statement), CachedAnswers.bindKey(statement, first), settings,
                    describe, link.eventLoop());
            frames = next + 2 - at;
        } else {
            return 0;
        }
        if (result == null) {
            return 0;
        }
        ByteBuf reply = link.channel().alloc().buffer();
        if (type == FrontendTag.BIND) {
            reply.writeBytes(CachedAnswers.BIND_COMPLETE);
        }
        if (type == FrontendTag.QUERY || describe) {
            reply.writeBytes(result.rowDescription());
        }
        link.fake(reply.writeBytes(result.rows()).writeBytes(CachedAnswers.READY_IDLE));
        for (int i = at; i < at + frames; i++) {
            batch.get(i).release();
        }
        return frames;
    }
}
