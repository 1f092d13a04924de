package io.pgferry.cache;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.pgferry.backend.ExpectedReplies.Action;
import io.pgferry.backend.Request;
import io.pgferry.backend.OwnQueryClient;
import io.pgferry.backend.ServerClosure;
import io.pgferry.backend.ServerConnection;
import io.pgferry.pool.LinkRequest;
import io.pgferry.pool.ServerPool;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.Messages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a database's {@link Catalog} on a link borrowed from one of its pools, as any other client would: both
 * catalog queries in one simple Query, the rows collected, the link released clean. Runs on the link's loop.
 */
final class CatalogLoader extends OwnQueryClient {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogLoader.class);
    private final ServerPool pool;
    private final Consumer<Catalog> done;
    private final List<Map<String, boolean[]>> results = new ArrayList<>(List.of(new HashMap<>(), new HashMap<>()));
    private int result;
    private ServerConnection link;

    private CatalogLoader(ServerPool pool, Consumer<Catalog> done) {
        this.pool = pool;
        this.done = done;
    }

    /** Loads the catalog through {@code pool}; {@code done} gets it, or {@code null} if it could not be read. */
    static void load(ServerPool pool, EventLoop loop, Consumer<Catalog> done) {
        CatalogLoader loader = new CatalogLoader(pool, done);
        pool.acquire(new LinkRequest(loop, (request, link, failure) -> {
            if (failure != null) {
                LOG.warn("pool {}: cannot read the catalog for the result cache: {}", pool.key(), failure.getMessage());
                done.accept(null);
            } else {
                link.execute(() -> loader.start(link));
            }
        }));
    }

    private void start(ServerConnection borrowed) {
        link = borrowed;
        link.attach(this);
        link.send(FrontendMessages.query(link.channel().alloc(), Catalog.FUNCTIONS + "; " + Catalog.RELATIONS),
                Request.QUERY, Action.FORWARD);
        link.flush();
    }

    @Override
    public void deliver(ByteBuf message) {
        try {
            byte type = Messages.type(message);
            if (type == BackendTag.DATA_ROW && result < results.size()) {
                readRow(message);
            } else if (type == BackendTag.COMMAND_COMPLETE) {
                result++;
            } else if (type == BackendTag.ERROR_RESPONSE) {
                fail();
            }
        } finally {
            message.release();
        }
    }

    /** A row of name and two booleans, in text format. */
    private void readRow(ByteBuf row) {
        int at = row.readerIndex() + Messages.BODY + 2;
        int nameLength = row.getInt(at);
        String name = row.toString(at + 4, nameLength, StandardCharsets.UTF_8);
        at += 4 + nameLength;
        boolean[] flags = new boolean[2];
        for (int i = 0; i < 2; i++) {
            int length = row.getInt(at);
            flags[i] = length == 1 && row.getByte(at + 4) == 't';
            at += 4 + Math.max(0, length);
        }
        results.get(result).put(name, flags);
    }

    @Override
    public void readyForQuery(byte transactionStatus, boolean idle) {
        link.detach();
        pool.release(link);
        if (failed() || result < results.size()) {
            LOG.warn("pool {}: the catalog query for the result cache failed", pool.key());
            done.accept(null);
        } else {
            done.accept(Catalog.of(results.get(0), results.get(1), System.nanoTime()));
        }
    }

    @Override
    public void serverClosed(ServerClosure why) {
        done.accept(null);
    }
}
