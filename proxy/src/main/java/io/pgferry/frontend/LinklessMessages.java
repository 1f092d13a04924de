package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import java.util.List;

/** What a client sends while it holds no server, that needs none: a lone Flush, or Terminate. */
final class LinklessMessages {
    private LinklessMessages() {
    }

    /**
     * Whether {@code inbound} needs no server: Terminate closes the client; Flushes alone are released and the list
     * cleared. Otherwise nothing is touched and the caller takes a server for the batch.
     */
    static boolean endsOrOnlyFlushes(List<ByteBuf> inbound, Channel channel) {
        for (ByteBuf frame : inbound) {
            byte type = Messages.type(frame);
            if (type == FrontendTag.TERMINATE) {
                channel.close();
                return true;
            }
            if (type != FrontendTag.FLUSH) {
                return false;
            }
        }
        inbound.forEach(ByteBuf::release);
        inbound.clear();
        return true;
    }
}
