package io.pgferry.pool;

import io.netty.channel.EventLoop;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerLoginFailure;
import io.pgferry.config.PoolSettings;
import io.pgferry.metrics.PoolActivity;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one pool's server links: connects and logs in on a given event loop, gives each link its lifetime, counts
 * and logs the outcome, and hands it to the pool, which alone keeps count of its links and waiters.
 */
final class LinkOpener {
    private static final Logger LOG = LoggerFactory.getLogger(LinkOpener.class);

    private final PoolKey key;
    private final LinkSource source;
    private final PoolActivity activity;
    private final Consumer<ServerConnection> opened;
    private final BiConsumer<ServerLoginFailure, Long> failed;

    /**
     * {@code opened} and {@code failed} are the pool's, called when a connection attempt completes; {@code failed}
     * also gets when the attempt started ({@link System#nanoTime()}).
     */
    LinkOpener(PoolKey key, LinkSource source, PoolActivity activity, Consumer<ServerConnection> opened,
               BiConsumer<ServerLoginFailure, Long> failed) {
        this.key = key;
        this.source = source;
        this.activity = activity;
        this.opened = opened;
        this.failed = failed;
    }

    /** Opens {@code count} links on {@code loop}; each is reported to the pool's callbacks when done. */
    void open(EventLoop loop, PoolSettings settings, int count) {
        for (int i = 0; i < count; i++) {
            openOne(loop, settings);
        }
    }

    private void openOne(EventLoop loop, PoolSettings settings) {
        long started = System.nanoTime();
        source.open(loop, settings.connectTimeout()).whenComplete((link, error) -> {
            if (error != null) {
                ServerLoginFailure failure = ServerLoginFailure.of(error);
                activity.serverLoginFailed();
                LOG.warn("pool {}: cannot open server connection: {}", key, failure.getMessage());
                failed.accept(failure, started);
                return;
            }
            activity.serverLoggedIn(System.nanoTime() - started);
            long lifetime = settings.maxLifetime().toNanos();
            if (lifetime > 0) {
                // Links opened together would otherwise all expire, and be replaced, together.
                double jitter = ThreadLocalRandom.current().nextDouble() * settings.lifetimeJitter();
                link.expireAt(link.createdNanos() + (long) (lifetime * (1 - jitter)));
            }
            link.reportTo(activity);
            LOG.info("pool {}: server connection opened, pid {}", key, link.processId());
            opened.accept(link);
        });
    }
}
