package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgferry.backend.ExpectedReplies;
import io.pgferry.backend.Request;
import io.pgferry.backend.ServerConnection;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.ProtocolViolation;
import java.util.List;

/**
 * Session mode needs no rewriting: the client owns its link, so every message goes through unchanged and is only
 * recorded in the link's expected-reply queue. The one thing added: after a statement that resets the client's
 * startup settings, they are set again ({@link StartupRestore}). One per session-mode client;
 * runs on the link's loop; takes ownership of the frames.
 */
final class SessionForwarding {
    private final StartupRestore startupRestore;
    private final ByteBufAllocator allocator;

    SessionForwarding(ClientStartup startup, ByteBufAllocator allocator) {
        this.startupRestore = new StartupRestore(startup);
        this.allocator = allocator;
    }

    /** Forwards a batch; returns {@code false} if the client sent Terminate. */
    boolean forward(ServerConnection link, List<ByteBuf> batch) {
        for (int i = 0; i < batch.size(); i++) {
            ByteBuf frame = batch.get(i);
            byte type = Messages.type(frame);
            Request request = requestOf(type);
            if (request != null) {
                String restore = restoreAfter(type, frame);
                link.send(frame, request, ExpectedReplies.Action.FORWARD);
                if (restore != null) {
                    link.send(FrontendMessages.query(allocator, restore), Request.QUERY,
                            ExpectedReplies.Action.SKIP_BUT_REPORT);
                }
            } else if (type == FrontendTag.COPY_DATA || type == FrontendTag.COPY_DONE || type == FrontendTag.COPY_FAIL
                    || type == FrontendTag.FLUSH) {
                link.sendUntracked(frame);
            } else {
                batch.subList(i, batch.size()).forEach(ByteBuf::release);
                if (type == FrontendTag.TERMINATE) {
                    return false;
                }
                throw new ProtocolViolation("invalid frontend message type " + (type & 0xFF));
            }
        }
        return true;
    }

    /** The statement to send right after {@code frame}, if it (or, at a Sync, an earlier Parse) resets settings. */
    private String restoreAfter(byte type, ByteBuf frame) {
        switch (type) {
            case FrontendTag.QUERY -> {
                return startupRestore.afterQuery(SessionStateScanner.scanQuery(frame));
            }
            case FrontendTag.PARSE -> {
                startupRestore.parsed(SessionStateScanner.scan(frame, ExtendedMessages.parseQueryStart(frame)));
                return null;
            }
            case FrontendTag.SYNC -> {
                return startupRestore.afterSync();
            }
            default -> {
                return null;
            }
        }
    }

    static Request requestOf(byte type) {
        return switch (type) {
            case FrontendTag.QUERY -> Request.QUERY;
            case FrontendTag.PARSE -> Request.PARSE;
            case FrontendTag.BIND -> Request.BIND;
            case FrontendTag.DESCRIBE -> Request.DESCRIBE;
            case FrontendTag.EXECUTE -> Request.EXECUTE;
            case FrontendTag.CLOSE -> Request.CLOSE;
            case FrontendTag.SYNC -> Request.SYNC;
            case FrontendTag.FUNCTION_CALL -> Request.FUNCTION_CALL;
            default -> null;
        };
    }
}
