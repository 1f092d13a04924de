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
        ByteBuf reply;
        int end;
        if (Messages.type(first) == FrontendTag.QUERY) {
            CachedResult result = cache.peek(Messages.cString(first, first.readerIndex() + Messages.BODY),
                    CacheRequests.queryKey(first), settings, true, link.eventLoop());
            reply = result == null ? null : CacheRequests.queryReply(link.channel().alloc(), result);
            end = at + 1;
        } else {
            CacheRequests.BindGroup group = CacheRequests.BindGroup.at(batch, at);
            byte[] statement = group == null ? null : statements.apply(ExtendedMessages.bindStatement(first));
            CachedResult result = statement == null ? null : cache.peek(SessionCache.text(statement),
                    CacheRequests.bindKey(statement, first), settings, group.describe(), link.eventLoop());
            reply = result == null ? null : group.reply(link.channel().alloc(), false, result);
            end = group == null ? at : group.end();
        }
        if (reply == null) {
            return 0;
        }
        link.fake(reply);
        for (int i = at; i < end; i++) {
            batch.get(i).release();
        }
        return end - at;
    }
}
