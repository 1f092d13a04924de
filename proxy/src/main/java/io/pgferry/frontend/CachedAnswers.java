package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgferry.cache.CachedResult;
import io.pgferry.cache.PendingFill;
import io.pgferry.cache.SessionCache;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Answers a client's requests from the result cache without a server, on the client's loop while it holds no
 * link (or only a parked one): a simple Query, or a Sync group of the extended protocol of the shape drivers send
 * for one statement ({@code [Parse] Bind [Describe portal] Execute Sync}, unnamed portal, no row limit; a Parse
 * of a new name is registered as the client's statement, as the forwarder would). Complete
 * requests at the head of what the client sent are answered while they hit; the first that does not, and all
 * after it, go to a server as usual, so replies stay in order.
 */
final class CachedAnswers {
    private final SessionCache cache;
    private final RequestForwarder forwarder;
    /** Set by a lookup that found another client's fill in flight for the request at the head (client loop). */
    private PendingFill awaited;
    /** Ends a wait for another client's result that lasts too long (client loop). */
    private ScheduledFuture<?> waitLimit;
    /** Set when a wait ran out: the next request goes upstream rather than wait for that fill again. */
    private boolean waitedTooLong;

    /** What became of the requests at the head of what the client sent. */
    enum Outcome {
        /** All answered from the cache. */
        ANSWERED,
        /** The first unanswered one waits for another client's request for the same result. */
        AWAIT,
        /** The rest go to a server. */
        FORWARD
    }

    CachedAnswers(SessionCache cache, RequestForwarder forwarder) {
        this.cache = cache;
        this.forwarder = forwarder;
    }

    /**
     * Answers what it can at the head of {@code pending}, releasing those frames, and flushes them. A client that
     * misses a result another client's request is filling waits for that fill: {@code whenFilled} runs on the
     * client's loop when it ends, or after {@code limit} (waiting is bounded like waiting for a server).
     */
    Outcome answer(List<ByteBuf> pending, Channel channel, Duration limit, Runnable whenFilled) {
        int before = pending.size();
        Outcome outcome = answerHead(pending, channel, limit, whenFilled);
        if (pending.size() != before) {
            channel.flush();
        }
        return outcome;
    }

    /** The wait is over: its time limit no longer applies. */
    void stopWaiting() {
        if (waitLimit != null) {
            waitLimit.cancel(false);
            waitLimit = null;
        }
    }

    private Outcome answerHead(List<ByteBuf> pending, Channel channel, Duration limit, Runnable whenFilled) {
        if (forwarder.pin() != null) {
            return Outcome.FORWARD;
        }
        boolean lookedAgain = false;
        while (!pending.isEmpty()) {
            awaited = null;
            byte type = Messages.type(pending.get(0));
            int answered = type == FrontendTag.QUERY ? answerQuery(pending, channel) : answerDescribe(pending, channel);
            if (answered == 0 && type != FrontendTag.QUERY) {
                answered = answerGroup(pending, channel);
            }
            if (answered == 0) {
                boolean mayWait = !waitedTooLong;
                waitedTooLong = false;
                if (awaited != null && mayWait && awaited.await(() -> channel.eventLoop().execute(whenFilled))) {
                    cache.waitsForFill();
                    waitLimit = channel.eventLoop().schedule(() -> {
                        waitedTooLong = true;
                        whenFilled.run();
                    }, limit.toMillis(), TimeUnit.MILLISECONDS);
                    return Outcome.AWAIT;
                }
                if (awaited != null && mayWait && !lookedAgain) {
                    // The fill ended between the lookup and the wait: its result is most likely there now.
                    lookedAgain = true;
                    continue;
                }
                break;
            }
            for (int i = 0; i < answered; i++) {
                pending.remove(0).release();
            }
        }
        return pending.isEmpty() ? Outcome.ANSWERED : Outcome.FORWARD;
    }

    /** The client left: what it claimed to fill ends. */
    void close() {
        stopWaiting();
        cache.close();
    }

    /** The result a lookup found, or {@code null}; remembers a fill in flight to wait for. */
    private CachedResult found(SessionCache.Found found) {
        awaited = found.inFlight();
        return found.result();
    }

    private int answerQuery(List<ByteBuf> pending, Channel channel) {
        ByteBuf query = pending.get(0);
        CachedResult result = found(cache.lookup(Messages.cString(query, query.readerIndex() + Messages.BODY),
                CacheRequests.queryKey(query), forwarder.parameters(), true, channel.eventLoop()));
        if (result == null) {
            return 0;
        }
        channel.write(CacheRequests.queryReply(channel.alloc(), result));
        return 1;
    }

    /**
     * {@code [Parse] Describe(statement) Sync|Flush} of a statement some server has described: ParseComplete, the
     * stored ParameterDescription and RowDescription, and ReadyForQuery after a Sync. The statement is prepared
     * on a server when the client first binds it there.
     */
    private int answerDescribe(List<ByteBuf> pending, Channel channel) {
        ByteBuf parse = Messages.type(pending.get(0)) == FrontendTag.PARSE ? pending.get(0) : null;
        int at = parse == null ? 0 : 1;
        if (at + 1 >= pending.size() || Messages.type(pending.get(at)) != FrontendTag.DESCRIBE
                || ExtendedMessages.target(pending.get(at)) != 'S') {
            return 0;
        }
        byte end = Messages.type(pending.get(at + 1));
        if (end != FrontendTag.SYNC && end != FrontendTag.FLUSH) {
            return 0;
        }
        String name = ExtendedMessages.targetName(pending.get(at));
        byte[] queryAndTypes;
        if (parse != null) {
            if (!ExtendedMessages.parseName(parse).equals(name) || !name.isEmpty() && forwarder.statement(name) != null
                    || !changesNoSession(parse)) {
                return 0;
            }
            queryAndTypes = ExtendedMessages.queryAndTypes(parse, ExtendedMessages.parseQueryStart(parse));
        } else {
            queryAndTypes = forwarder.statementText(name);
        }
        byte[] description = queryAndTypes == null ? null : cache.description(queryAndTypes, forwarder.parameters());
        if (description == null || parse != null && !forwarder.parsedLocally(name, queryAndTypes)) {
            return 0;
        }
        channel.write(CacheRequests.describeReply(channel.alloc(), parse != null, description,
                end == FrontendTag.SYNC));
        return at + 2;
    }

    /** Whether a Parse's text leaves session state alone, so answering it here skips nothing the forwarder does. */
    private static boolean changesNoSession(ByteBuf parse) {
        return SessionStateScanner.scan(parse, ExtendedMessages.parseQueryStart(parse))
                == SessionStateScanner.Effects.NONE;
    }

    private int answerGroup(List<ByteBuf> pending, Channel channel) {
        ByteBuf parse = null;
        if (Messages.type(pending.get(0)) == FrontendTag.PARSE) {
            parse = pending.get(0);
            String name = ExtendedMessages.parseName(parse);
            if (!changesNoSession(parse) || !name.isEmpty() && (forwarder.statement(name) != null
                    || !name.equals(ExtendedMessages.bindStatementOf(pending, 1)))) {
                return 0;
            }
        }
        CacheRequests.BindGroup group = CacheRequests.BindGroup.at(pending, parse == null ? 0 : 1);
        byte[] queryAndTypes = group == null ? null : statementOf(parse, group.bind());
        if (queryAndTypes == null) {
            return 0;
        }
        CachedResult result = found(cache.lookup(SessionCache.text(queryAndTypes),
                CacheRequests.bindKey(queryAndTypes, group.bind()), forwarder.parameters(), group.describe(),
                channel.eventLoop()));
        if (result == null || parse != null && !forwarder.parsedLocally(ExtendedMessages.parseName(parse),
                queryAndTypes)) {
            return 0;
        }
        channel.write(group.reply(channel.alloc(), parse != null, result));
        return group.end();
    }

    /** The statement a Bind names: the group's own unnamed Parse, or one the client prepared before. */
    private byte[] statementOf(ByteBuf parse, ByteBuf bind) {
        String name = ExtendedMessages.bindStatement(bind);
        if (parse != null) {
            return ExtendedMessages.queryAndTypes(parse, ExtendedMessages.parseQueryStart(parse));
        }
        return forwarder.statementText(name);
    }
}
