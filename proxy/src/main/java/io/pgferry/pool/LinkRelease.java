package io.pgferry.pool;

import io.pgferry.backend.ServerConnection;

/**
 * Returns a link whose client left: a link with a request still running is closed (as PgBouncer does); one
 * inside a transaction block is rolled back; then the pool's reset query runs before the link is reused, so no
 * session state reaches the next client. Runs on the link's event loop.
 */
public final class LinkRelease implements Runnable {
    private final ServerPool pool;
    private final ServerConnection link;
    private final boolean reset;

    /** {@code reset}: run the reset query (session mode, or a pinned client); transaction mode needs none. */
    public LinkRelease(ServerPool pool, ServerConnection link, boolean reset) {
        this.pool = pool;
        this.link = link;
        this.reset = reset;
    }

    @Override
    public void run() {
        if (!link.isUsable() || !link.hasNoOutstandingReplies()) {
            link.close("its client left during a request");
        } else if (link.transactionStatus() != 'I') {
            link.runQuietly("ROLLBACK", ok -> afterRollback(ok));
        } else {
            reset();
        }
    }

    private void afterRollback(boolean ok) {
        if (ok) {
            reset();
        } else {
            link.close("the rollback after its client left failed");
        }
    }

    private void reset() {
        String resetQuery = pool.settings().resetQuery();
        if (!reset || resetQuery.isBlank()) {
            pool.release(link);
            return;
        }
        link.runQuietly(resetQuery, ok -> {
            if (ok) {
                pool.release(link);
            } else {
                link.close("the reset query failed");
            }
        });
    }
}
