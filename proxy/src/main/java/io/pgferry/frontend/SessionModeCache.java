package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.pgferry.backend.ReplyTap;
import io.pgferry.backend.ServerConnection;
import io.pgferry.cache.SessionCache;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The result cache for a session-mode client, which always holds its link: a read is answered in order with its
 * other replies ({@link HeldLinkAnswers}); misses are recorded and writes tracked as in transaction mode. The client's statement names go to the server unchanged,
 * so they are remembered here for what a Bind runs. Once the client changes session state pgferry does not track
 * (an unreported SET, a temporary table, SET ROLE...), its reads are neither answered nor recorded any more; its
 * writes still count. Runs on the link's loop.
 */
final class SessionModeCache {
    private final SessionCache cache;
    private final HeldLinkAnswers answers;
    private final RequestForwarder settings;
    private final Map<String, byte[]> statements = new HashMap<>();
    private boolean changedUntrackedState;

    /** {@code settings}: follows the client's reported parameters, which are part of every key. */
    SessionModeCache(SessionCache cache, RequestForwarder settings) {
        this.cache = cache;
        this.answers = new HeldLinkAnswers(cache);
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

    /** Answers {@code batch.get(at)} (and its group) from the cache if it can; returns how many frames it took. */
    int answer(ServerConnection link, List<ByteBuf> batch, int at) {
        return changedUntrackedState ? 0 : answers.answer(link, batch, at, settings.parameters(), statements::get);
    }

    /** The tap a request forwarded to the server needs: recording a cacheable read, dropping what a write changes. */
    ReplyTap tapFor(ServerConnection link, byte type, ByteBuf frame) {
        boolean inTransaction = link.transactionStatus() != 'I';
        switch (type) {
            case FrontendTag.QUERY -> {
                return cache.onQuery(Messages.cString(frame, frame.readerIndex() + Messages.BODY),
                        CacheRequests.queryKey(frame), settings.parameters(), inTransaction, changedUntrackedState,
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
                    cache.onBind(statement, CacheRequests.bindKey(statement, frame), settings.parameters(),
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
