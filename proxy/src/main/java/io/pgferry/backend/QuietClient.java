package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/** Holds a link while pgferry runs its own query on it (reset, rollback); reports success once the link is idle. */
final class QuietClient extends OwnQueryClient {
    private final ServerConnection link;
    private final Consumer<Boolean> done;

    QuietClient(ServerConnection link, Consumer<Boolean> done) {
        this.link = link;
        this.done = done;
    }

    @Override
    public void deliver(ByteBuf message) {
        message.release();
    }

    @Override
    public void readyForQuery(byte transactionStatus, boolean idle) {
        if (idle) {
            link.detach();
            done.accept(!failed() && transactionStatus == 'I');
        }
    }

    @Override
    public void serverClosed(ServerClosure why) {
        done.accept(false);
    }
}
