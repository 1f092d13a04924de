package io.pgferry.backend;

import io.netty.channel.embedded.EmbeddedChannel;
import io.pgferry.config.Upstream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Server links on embedded channels, for state machines that hand links around (the pool) without a server: the
 * link's loop is the test's thread, and closing its channel reports the close as a dead server would.
 */
public final class TestLinks {
    private static final Upstream UPSTREAM = Upstream.parse("postgres://u@127.0.0.1:5432/db?sslmode=disable");
    private static final AtomicInteger PIDS = new AtomicInteger(1000);

    private TestLinks() {
    }

    /** A logged-in link whose server reported nothing and owes nothing. */
    public static ServerConnection link() {
        return link(UPSTREAM);
    }

    /** The same, connected to {@code upstream}'s first host. */
    public static ServerConnection link(Upstream upstream) {
        EmbeddedChannel channel = new EmbeddedChannel();
        ServerConnection link = new ServerConnection(channel, upstream, Map.of(), PIDS.incrementAndGet(), 7, 10);
        channel.pipeline().addLast(new ServerLinkHandler(link, channel.alloc()));
        return link;
    }
}
