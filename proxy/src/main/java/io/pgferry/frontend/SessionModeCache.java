package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.pgferry.backend.ReplyTap;
import io.pgferry.backend.ServerConnection;
import io.pgferry.cache.CachedResult;
import io.pgferry.cache.SessionCache;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The result cache for a session-mode client, which always holds its link: a read is answered in order with its
 * other replies (a FAKE entry on the link) when nothing is outstanding and no transaction is open; misses are
 * recorded and writes tracked as in transaction mode. The client's statement names go to the server unchanged,
 * so they are remembered here for what a Bind runs. Once the client changes session state pgferry does not track
 * (an unreported SET, a temporary table, SET ROLE...), its reads are neither answered nor recorded any more; its
 * writes still count. Runs on the link's loop.
 */
final class SessionModeCache {
    private final SessionCache cache;
    private final RequestForwarder settings;
    private final Map<String, byte[]> statements = new HashMap<>();
    private boolean changedUntrackedState;

    /** {@code settings}: follows the client's reported parameters, which are part of every key. */
    SessionModeCache(SessionCache cache, RequestForwarder settings) {
        this.cache = cache;
        this.settings = settings;
    }

    /** The client ran a statement with these effects on its session. */
    void scanned(ServerConnection link, SessionStateScanner.Effects effects) {
        if (effects.pin() != null) {
            changedUntrackedState = true;
        }
        for (String name : effects.setParameters()) {
            if (link.parameters().reported().get(name) == null) {
                changedUntrackedState = true;
            }
        }
    }

    /**
     * Answers {@code batch.get(at)} from the cache if it is a simple Query, or starts a {@code Bind [Describe]
     * Execute Sync} group, that the cache holds; returns how many frames it answered (released), 0 if none.
     */
    int answer(ServerConnection link, List<ByteBuf> batch, int at) {
        if (changedUntrackedState || !link.hasNoOutstandingReplies() || link.transactionStatus() != 'I') {
            return 0;
        }
        ByteBuf first = batch.get(at);
        byte type = Messages.type(first);
        CachedResult result;
        int frames;
        boolean describe = false;
        if (type == FrontendTag.QUERY) {
            result = cache.peek(Messages.cString(first, first.readerIndex() + Messages.BODY),
                    CachedAnswers.queryKey(first), settings.parameters(), true, link.eventLoop());
            frames = 1;
        } else if (type == FrontendTag.BIND) {
            int next = at + 1;
            describe = next < batch.size() && Messages.type(batch.get(next)) == FrontendTag.DESCRIBE;
            if (describe && !CachedAnswers.isUnnamedPortal(batch.get(next++), true)) {
                return 0;
            }
            byte[] statement = statements.get(ExtendedMessages.bindStatement(first));
            if (next + 1 >= batch.size() || Messages.type(batch.get(next)) != FrontendTag.EXECUTE
                    || !CachedAnswers.isUnnamedPortal(batch.get(next), false)
                    || Messages.type(batch.get(next + 1)) != FrontendTag.SYNC
                    || !ExtendedMessages.bindPortal(first).isEmpty() || statement == null) {
                return 0;
            }
            result = cache.peek(SessionCache.text(statement), CachedAnswers.bindKey(statement, first),
                    settings.parameters(), describe, link.eventLoop());
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

    /** The tap a request forwarded to the server needs: recording a cacheable read, dropping what a write changes. */
    ReplyTap tapFor(ServerConnection link, byte type, ByteBuf frame) {
        boolean inTransaction = link.transactionStatus() != 'I';
        switch (type) {
            case FrontendTag.QUERY -> {
                return cache.onQuery(Messages.cString(frame, frame.readerIndex() + Messages.BODY),
                        CachedAnswers.queryKey(frame), settings.parameters(), inTransaction, changedUntrackedState,
                        link.eventLoop());
            }
            case FrontendTag.PARSE -> statements.put(ExtendedMessages.parseName(frame),
                    ExtendedMessages.queryAndTypes(frame, ExtendedMessages.parseQueryStart(frame)));
            case FrontendTag.CLOSE -> {
                if (ExtendedMessages.target(frame) == 'S') {
                    statements.remove(ExtendedMessages.targetName(frame));
                }
            }
            case FrontendTag.BIND -> {
                byte[] statement = statements.get(ExtendedMessages.bindStatement(frame));
                if (statement == null) {
                    cache.onBindOfUnknownStatement();
                } else {
                    cache.onBind(statement, CachedAnswers.bindKey(statement, frame), settings.parameters(),
                            inTransaction, changedUntrackedState, link.eventLoop());
                }
            }
            case FrontendTag.DESCRIBE -> {
                return ExtendedMessages.target(frame) == 'P' && ExtendedMessages.targetName(frame).isEmpty()
                        ? cache.onDescribePortal() : null;
            }
            case FrontendTag.EXECUTE -> {
                return cache.onExecute(frame);
            }
            case FrontendTag.SYNC -> {
                return cache.onSync();
            }
            default -> {
            }
        }
        return null;
    }
}
