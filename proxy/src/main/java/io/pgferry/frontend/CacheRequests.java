package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgferry.cache.CachedResult;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import java.util.List;

/**
 * The requests the result cache answers, wherever the answer goes (straight to the client, or through its link):
 * their keys, the extended-protocol shape it recognises, and the replies it makes.
 */
public final class CacheRequests {
    private static final byte[] PARSE_COMPLETE = {BackendTag.PARSE_COMPLETE, 0, 0, 0, 4};
    private static final byte[] BIND_COMPLETE = {BackendTag.BIND_COMPLETE, 0, 0, 0, 4};
    private static final byte[] READY_IDLE = {BackendTag.READY_FOR_QUERY, 0, 0, 0, 5, 'I'};

    private CacheRequests() {
    }

    /** The key bytes of a simple Query: its text, marked apart from extended-protocol keys. */
    static byte[] queryKey(ByteBuf query) {
        byte[] key = new byte[query.readableBytes() - Messages.BODY + 1];
        key[0] = FrontendTag.QUERY;
        query.getBytes(query.readerIndex() + Messages.BODY, key, 1, key.length - 1);
        return key;
    }

    /** The key bytes of a Bind: the statement's text and types, then the Bind's formats, values and result formats. */
    public static byte[] bindKey(byte[] queryAndTypes, ByteBuf bind) {
        int start = Messages.skipCString(bind, Messages.skipCString(bind, bind.readerIndex() + Messages.BODY));
        int tail = bind.writerIndex() - start;
        byte[] key = new byte[queryAndTypes.length + tail];
        System.arraycopy(queryAndTypes, 0, key, 0, queryAndTypes.length);
        bind.getBytes(start, key, queryAndTypes.length, tail);
        return key;
    }

    /** A simple Query's answer: RowDescription, DataRows, CommandComplete, ReadyForQuery. */
    static ByteBuf queryReply(ByteBufAllocator allocator, CachedResult result) {
        return allocator.buffer().writeBytes(result.rowDescription()).writeBytes(result.rows()).writeBytes(READY_IDLE);
    }

    /** ParseComplete, then what a stored description says, then ReadyForQuery after a Sync ({@code sync}). */
    static ByteBuf describeReply(ByteBufAllocator allocator, boolean parsed, byte[] description, boolean sync) {
        ByteBuf reply = allocator.buffer();
        if (parsed) {
            reply.writeBytes(PARSE_COMPLETE);
        }
        reply.writeBytes(description);
        return sync ? reply.writeBytes(READY_IDLE) : reply;
    }

    /** Whether {@code message} is a Describe of the unnamed portal, or an Execute of it without a row limit. */
    private static boolean isUnnamedPortal(ByteBuf message, boolean describe) {
        int at = message.readerIndex() + Messages.BODY;
        if (describe) {
            return message.getByte(at) == 'P' && message.getByte(at + 1) == 0;
        }
        return message.getByte(at) == 0 && message.getInt(at + 1) == 0;
    }

    /**
     * {@code Bind [Describe portal] Execute Sync} of the unnamed portal without a row limit, as drivers send one
     * statement: whether it describes, and the index just past its Sync.
     */
    record BindGroup(ByteBuf bind, boolean describe, int end) {
        /** The group whose Bind is {@code frames.get(at)}, or {@code null} if the frames there have another shape. */
        static BindGroup at(List<ByteBuf> frames, int at) {
            if (at >= frames.size() || Messages.type(frames.get(at)) != FrontendTag.BIND
                    || !ExtendedMessages.bindPortal(frames.get(at)).isEmpty()) {
                return null;
            }
            int next = at + 1;
            boolean describe = next < frames.size() && Messages.type(frames.get(next)) == FrontendTag.DESCRIBE;
            if (describe && !isUnnamedPortal(frames.get(next++), true)) {
                return null;
            }
            if (next + 1 >= frames.size() || Messages.type(frames.get(next)) != FrontendTag.EXECUTE
                    || !isUnnamedPortal(frames.get(next), false)
                    || Messages.type(frames.get(next + 1)) != FrontendTag.SYNC) {
                return null;
            }
            return new BindGroup(frames.get(at), describe, next + 2);
        }

        /** The group's answer, ParseComplete first if a Parse preceded it ({@code parsed}). */
        ByteBuf reply(ByteBufAllocator allocator, boolean parsed, CachedResult result) {
            ByteBuf reply = allocator.buffer();
            if (parsed) {
                reply.writeBytes(PARSE_COMPLETE);
            }
            reply.writeBytes(BIND_COMPLETE);
            if (describe) {
                reply.writeBytes(result.rowDescription());
            }
            return reply.writeBytes(result.rows()).writeBytes(READY_IDLE);
        }
    }
}
