package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgferry.cache.CachedResult;
import io.pgferry.cache.SessionCache;
import io.pgferry.prepared.PreparedStatement;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import java.util.List;

/**
 * Answers a client's requests from the result cache without a server, on the client's loop while it holds no
 * link (or only a parked one): a simple Query, or a Sync group of the extended protocol of the shape drivers send
 * for one statement ({@code [Parse] Bind [Describe portal] Execute Sync}, unnamed portal, no row limit; a Parse
 * of a new name is registered as the client's statement, as the forwarder would). Complete
 * requests at the head of what the client sent are answered while they hit; the first that does not, and all
 * after it, go to a server as usual, so replies stay in order.
 */
final class CachedAnswers {
    private static final byte[] PARSE_COMPLETE = {BackendTag.PARSE_COMPLETE, 0, 0, 0, 4};
    private static final byte[] BIND_COMPLETE = {BackendTag.BIND_COMPLETE, 0, 0, 0, 4};
    private static final byte[] READY_IDLE = {BackendTag.READY_FOR_QUERY, 0, 0, 0, 5, 'I'};
    private final SessionCache cache;
    private final RequestForwarder forwarder;

    CachedAnswers(SessionCache cache, RequestForwarder forwarder) {
        this.cache = cache;
        this.forwarder = forwarder;
    }

    /** The key bytes of a simple Query: its text, marked apart from extended-protocol keys. */
    static byte[] queryKey(ByteBuf query) {
        byte[] key = new byte[query.readableBytes() - Messages.BODY + 1];
        key[0] = FrontendTag.QUERY;
        query.getBytes(query.readerIndex() + Messages.BODY, key, 1, key.length - 1);
        return key;
    }

    /** The key bytes of a Bind: the statement's text and types, then the Bind's formats, values and result formats. */
    static byte[] bindKey(byte[] queryAndTypes, ByteBuf bind) {
        int start = Messages.skipCString(bind, Messages.skipCString(bind, bind.readerIndex() + Messages.BODY));
        int tail = bind.writerIndex() - start;
        byte[] key = new byte[queryAndTypes.length + tail];
        System.arraycopy(queryAndTypes, 0, key, 0, queryAndTypes.length);
        bind.getBytes(start, key, queryAndTypes.length, tail);
        return key;
    }

    /** Answers what it can at the head of {@code pending}, releasing those frames; whether nothing is left. */
    boolean answer(List<ByteBuf> pending, Channel channel) {
        if (forwarder.pin() != null) {
            return false;
        }
        while (!pending.isEmpty()) {
            byte type = Messages.type(pending.get(0));
            int answered = type == FrontendTag.QUERY ? answerQuery(pending, channel) : answerDescribe(pending, channel);
            if (answered == 0 && type != FrontendTag.QUERY) {
                answered = answerGroup(pending, channel);
            }
            if (answered == 0) {
                break;
            }
            for (int i = 0; i < answered; i++) {
                pending.remove(0).release();
            }
        }
        return pending.isEmpty();
    }

    private int answerQuery(List<ByteBuf> pending, Channel channel) {
        ByteBuf query = pending.get(0);
        CachedResult result = cache.lookup(Messages.cString(query, query.readerIndex() + Messages.BODY),
                queryKey(query), forwarder.parameters(), true, channel.eventLoop());
        if (result == null) {
            return 0;
        }
        channel.write(channel.alloc().buffer().writeBytes(result.rowDescription()).writeBytes(result.rows())
                .writeBytes(READY_IDLE));
        return 1;
    }

    /**
     * {@code [Parse] Describe(statement) Sync} of a named statement some server has described: ParseComplete, the
     * stored ParameterDescription and RowDescription, ReadyForQuery. The statement is prepared on a server when the
     * client first binds it.
     */
    private int answerDescribe(List<ByteBuf> pending, Channel channel) {
        ByteBuf parse = Messages.type(pending.get(0)) == FrontendTag.PARSE ? pending.get(0) : null;
        int at = parse == null ? 0 : 1;
        if (at + 1 >= pending.size() || Messages.type(pending.get(at)) != FrontendTag.DESCRIBE
                || Messages.type(pending.get(at + 1)) != FrontendTag.SYNC
                || ExtendedMessages.target(pending.get(at)) != 'S') {
            return 0;
        }
        String name = ExtendedMessages.targetName(pending.get(at));
        if (name.isEmpty() || parse != null && (!ExtendedMessages.parseName(parse).equals(name)
                || forwarder.statement(name) != null || !changesNoSession(parse))) {
            return 0;
        }
        if (parse != null && !forwarder.parsedLocally(name,
                ExtendedMessages.queryAndTypes(parse, ExtendedMessages.parseQueryStart(parse)))) {
            return 0;
        }
        PreparedStatement statement = forwarder.statement(name);
        byte[] description = statement == null ? null : cache.description(statement, forwarder.parameters());
        if (description == null) {
            if (parse != null) {
                forwarder.forgetLocally(name);
            }
            return 0;
        }
        ByteBuf reply = channel.alloc().buffer();
        if (parse != null) {
            reply.writeBytes(PARSE_COMPLETE);
        }
        channel.write(reply.writeBytes(description).writeBytes(READY_IDLE));
        return at + 2;
    }

    /** Whether a Parse's text leaves session state alone, so answering it here skips nothing the forwarder does. */
    private static boolean changesNoSession(ByteBuf parse) {
        return SessionStateScanner.scan(parse, ExtendedMessages.parseQueryStart(parse))
                == SessionStateScanner.Effects.NONE;
    }

    private int answerGroup(List<ByteBuf> pending, Channel channel) {
        int at = 0;
        ByteBuf parse = null;
        if (Messages.type(pending.get(0)) == FrontendTag.PARSE) {
            parse = pending.get(0);
            String name = ExtendedMessages.parseName(parse);
            if (!changesNoSession(parse) || !name.isEmpty() && (forwarder.statement(name) != null
                    || !name.equals(ExtendedMessages.bindStatementOf(pending, 1)))) {
                return 0;
            }
            at++;
        }
        if (at >= pending.size() || Messages.type(pending.get(at)) != FrontendTag.BIND) {
            return 0;
        }
        ByteBuf bind = pending.get(at++);
        boolean describe = at < pending.size() && Messages.type(pending.get(at)) == FrontendTag.DESCRIBE;
        if (describe && !isUnnamedPortal(pending.get(at++), true)) {
            return 0;
        }
        if (at + 1 >= pending.size() || Messages.type(pending.get(at)) != FrontendTag.EXECUTE
                || !isUnnamedPortal(pending.get(at), false) || Messages.type(pending.get(at + 1)) != FrontendTag.SYNC) {
            return 0;
        }
        if (!ExtendedMessages.bindPortal(bind).isEmpty()) {
            return 0;
        }
        byte[] queryAndTypes = statementOf(parse, bind);
        if (queryAndTypes == null) {
            return 0;
        }
        CachedResult result = cache.lookup(SessionCache.text(queryAndTypes), bindKey(queryAndTypes, bind),
                forwarder.parameters(), describe, channel.eventLoop());
        if (result == null) {
            return 0;
        }
        if (parse != null && !forwarder.parsedLocally(ExtendedMessages.parseName(parse), queryAndTypes)) {
            return 0;
        }
        ByteBuf reply = channel.alloc().buffer();
        if (parse != null) {
            reply.writeBytes(PARSE_COMPLETE);
        }
        reply.writeBytes(BIND_COMPLETE);
        if (describe) {
            reply.writeBytes(result.rowDescription());
        }
        channel.write(reply.writeBytes(result.rows()).writeBytes(READY_IDLE));
        return at + 2;
    }

    /** The statement a Bind names: the group's own unnamed Parse, or one the client prepared before. */
    private byte[] statementOf(ByteBuf parse, ByteBuf bind) {
        String name = ExtendedMessages.bindStatement(bind);
        if (parse != null) {
            return ExtendedMessages.queryAndTypes(parse, ExtendedMessages.parseQueryStart(parse));
        }
        if (name.isEmpty()) {
            return forwarder.unnamedStatement();
        }
        PreparedStatement statement = forwarder.statement(name);
        return statement == null || statement.isRetired() ? null : statement.queryAndTypes();
    }

    /** A Describe of the unnamed portal, or an Execute of it without a row limit. */
    private static boolean isUnnamedPortal(ByteBuf message, boolean describe) {
        int at = message.readerIndex() + Messages.BODY;
        if (describe) {
            return message.getByte(at) == 'P' && message.getByte(at + 1) == 0;
        }
        return message.getByte(at) == 0 && message.getInt(at + 1) == 0;
    }
}
