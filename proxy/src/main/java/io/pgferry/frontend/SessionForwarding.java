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
 * recorded in the link's expected-reply queue. Added: after a statement that resets the client's startup
 * settings, they are set again ({@link StartupRestore}); with a result cache, reads are answered and recorded
 * and writes tracked through {@link SessionModeCache}. One per session-mode client;
 * runs on the link's loop; takes ownership of the frames.
 */
final class SessionForwarding {
    private final StartupRestore startupRestore;
    private final ByteBufAllocator allocator;
    /** The result cache's part in this session; {@code null} when the database has no cache. */
    private SessionModeCache cache;

    SessionForwarding(ClientStartup startup, ByteBufAllocator allocator) {
        this.startupRestore = new StartupRestore(startup);
        this.allocator = allocator;
    }

    /** Answers, records and invalidates through {@code sessionCache} from now on. */
    void useCache(SessionModeCache sessionCache) {
        this.cache = sessionCache;
    }

    /** Forwards a batch; returns {@code false} if the client sent Terminate. */
    boolean forward(ServerConnection link, List<ByteBuf> batch) {
        for (int i = 0; i < batch.size(); i++) {
            ByteBuf frame = batch.get(i);
            byte type = Messages.type(frame);
            Request request = requestOf(type);
            int answered = cache == null ? 0 : cache.answer(link, batch, i);
            if (answered > 0) {
                i += answered - 1;
            } else if (request != null) {
                String restore = restoreAfter(link, type, frame);
                link.send(frame, request, ExpectedReplies.Action.FORWARD,
                        cache == null ? null : cache.tapFor(link, type, frame));
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
    private String restoreAfter(ServerConnection link, byte type, ByteBuf frame) {
        switch (type) {
            case FrontendTag.QUERY -> {
                SessionStateScanner.Effects effects = SessionStateScanner.scanQuery(frame);
                if (cache != null) {
                    cache.scanned(link, effects);
                }
                return startupRestore.afterQuery(effects);
            }
            case FrontendTag.PARSE -> {
                SessionStateScanner.Effects effects = SessionStateScanner.scan(frame,
                        ExtendedMessages.parseQueryStart(frame));
                if (cache != null) {
                    cache.scanned(link, effects);
                }
                startupRestore.parsed(effects);
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
