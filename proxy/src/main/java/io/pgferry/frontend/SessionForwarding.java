package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.pgferry.backend.ExpectedReplies;
import io.pgferry.backend.Request;
import io.pgferry.backend.ServerConnection;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.ProtocolViolation;
import java.util.List;

/**
 * Session mode needs no rewriting: the client owns its link, so every message goes through unchanged and is only
 * recorded in the link's expected-reply queue. Runs on the link's loop; takes ownership of the frames.
 */
final class SessionForwarding {
    private SessionForwarding() {
    }

    /** Forwards a batch; returns {@code false} if the client sent Terminate. */
    static boolean forward(ServerConnection link, List<ByteBuf> batch) {
        for (int i = 0; i < batch.size(); i++) {
            ByteBuf frame = batch.get(i);
            byte type = Messages.type(frame);
            Request request = requestOf(type);
            if (request != null) {
                link.send(frame, request, ExpectedReplies.Action.FORWARD);
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
