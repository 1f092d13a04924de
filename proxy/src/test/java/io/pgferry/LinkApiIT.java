package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.pgferry.backend.ExpectedReplies.Action;
import io.pgferry.backend.Request;
import io.pgferry.backend.ServerClient;
import io.pgferry.backend.ServerClosure;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.SessionParameters;
import io.pgferry.context.ProxyContext;
import io.pgferry.metrics.PoolStats;
import io.pgferry.pool.LinkRequest;
import io.pgferry.pool.Route;
import io.pgferry.pool.ServerPool;
import io.pgferry.prepared.PreparedStatement;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that is not a session on the PostgreSQL port (as the HTTP endpoint will be) uses a pooled server link
 * through the link API alone, from outside {@code frontend}: route, acquire, bring the link to its parameters,
 * have a registry statement prepared, run, release (issue 23).
 */
@ExtendWith(PostgresExtension.class)
class LinkApiIT {

    /** Collects the replies of one request run and ends it at ReadyForQuery. */
    private static final class Replies implements ServerClient {
        final List<String> seen = new ArrayList<>();
        final CompletableFuture<List<String>> done = new CompletableFuture<>();
        private final Runnable onIdle;

        Replies(Runnable onIdle) {
            this.onIdle = onIdle;
        }

        @Override
        public void deliver(ByteBuf message) {
            try {
                char type = (char) message.getByte(0);
                if (type == 'D') {
                    seen.add("D(" + dataRow(message) + ")");
                } else {
                    seen.add(String.valueOf(type));
                }
            } finally {
                message.release();
            }
        }

        @Override
        public void deliverSynthesized(ByteBuf message) {
            deliver(message);
        }

        @Override
        public void flush() {
        }

        @Override
        public void injectedRequestFailed(Request request, ByteBuf errorResponse) {
            errorResponse.release();
            done.completeExceptionally(new AssertionError("injected " + request + " failed"));
        }

        @Override
        public void readyForQuery(byte transactionStatus, boolean idle) {
            if (idle) {
                onIdle.run();
                done.complete(seen);
            }
        }

        @Override
        public void serverWritabilityChanged(boolean writable) {
        }

        @Override
        public void serverClosed(ServerClosure why) {
            done.completeExceptionally(new AssertionError("link closed: " + why));
        }
    }

    @Test
    void anHttpStyleRequestRunsAPreparedStatementOnABorrowedLink(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.pool { mode = transaction, size = 1 }")) {
            try (Connection warm = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(warm, "SELECT 1"));
            }
            ProxyContext shared = proxy.proxy().context().shared();
            Route route = shared.pools().route("app", TestProxy.APP_USER,
                    shared.config().users().get(TestProxy.APP_USER), false);
            ServerPool pool = ((Route.ToPool) route).pool();
            EventLoop loop = pool.links().get(0).eventLoop();
            PreparedStatement statement = shared.statements().acquire(queryAndTypes(
                    "SELECT $1::int + 1, current_setting('application_name')"));
            CompletableFuture<List<String>> result = new CompletableFuture<>();
            pool.acquire(new LinkRequest(loop, (request, link, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                    return;
                }
                link.execute(() -> run(link, pool, statement, result));
            }));
            assertEquals(List.of("2", "D(42|link-api)", "C", "Z"), result.get(10, TimeUnit.SECONDS),
                    "the Parse and the SET were injected and swallowed; the client saw its own replies only");
            shared.statements().release(statement);
            shared.pools().leave(pool);
            PoolStats stats = pool.stats();
            assertEquals(1, stats.open());
            assertEquals(stats.open(), stats.idle(), "the link went back to the pool");
            try (Connection next = proxy.connectApp()) {
                assertNotEquals("link-api", SessionPoolingIT.single(next, "SHOW application_name"),
                        "the next client gets the link with its own parameters");
            }
        }
    }

    /** On the link's loop: what the HTTP endpoint will do for one request. */
    private static void run(ServerConnection link, ServerPool pool, PreparedStatement statement,
                            CompletableFuture<List<String>> result) {
        Replies replies = new Replies(() -> {
            link.detach();
            pool.release(link);
        });
        replies.done.whenComplete((seen, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(seen);
            }
        });
        link.attach(replies);
        link.state().applyParameters(SessionParameters.of(Map.of("application_name", "link-api")));
        link.state().ensurePrepared(statement);
        link.send(bind(statement.serverName(), "41"), Request.BIND, Action.FORWARD);
        link.send(Unpooled.wrappedBuffer(new byte[] {'E', 0, 0, 0, 9, 0, 0, 0, 0, 0}), Request.EXECUTE, Action.FORWARD);
        link.send(Unpooled.wrappedBuffer(new byte[] {'S', 0, 0, 0, 4}), Request.SYNC, Action.FORWARD);
        link.flush();
    }

    /** Query text and parameter types as they follow the name in a Parse: no declared types. */
    private static byte[] queryAndTypes(String sql) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(sql.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.writeBytes(new byte[] {0, 0});
        return out.toByteArray();
    }

    /** Bind of {@code statement} to the unnamed portal, one text parameter, text results. */
    private static ByteBuf bind(byte[] statement, String parameter) {
        byte[] value = parameter.getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(1 + statement.length + 1 + 2 + 2 + 4 + value.length + 2);
        body.put((byte) 0).put(statement).put((byte) 0).putShort((short) 0).putShort((short) 1)
                .putInt(value.length).put(value).putShort((short) 0);
        return Unpooled.buffer().writeByte('B').writeInt(4 + body.capacity()).writeBytes(body.array());
    }

    private static String dataRow(ByteBuf row) {
        ByteBuf fields = row.slice(5, row.readableBytes() - 5);
        int columns = fields.readShort();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            int length = fields.readInt();
            values.add(length < 0 ? "NULL" : fields.readCharSequence(length, StandardCharsets.UTF_8).toString());
        }
        return String.join("|", values);
    }
}
