package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** A client waiting for a server: completed with a link, or failed by its timeout or the pool's closing. */
final class Waiter {
    final CompletableFuture<ServerConnection> future = new CompletableFuture<>();
    final EventLoop loop;
    final long since = System.nanoTime();
    ScheduledFuture<?> timeout;

    Waiter(EventLoop loop) {
        this.loop = loop;
    }

    void cancelTimer() {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
