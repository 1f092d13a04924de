package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where a pool's new links come from: in production a connect and login by the server connector; in the pool's
 * unit tests, links on embedded channels the test completes when it chooses.
 */
@FunctionalInterface
interface LinkSource {
    /** Opens a link on {@code loop}, giving up after {@code timeout}. */
    CompletableFuture<ServerConnection> open(EventLoop loop, Duration timeout);
}
