package io.pgferry.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.pgferry.admin.AdminConsole;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerParameters;
import io.pgferry.cache.DatabaseCache;
import io.pgferry.cache.SessionCache;
import io.pgferry.frontend.CacheRequests;
import io.pgferry.protocol.FrontendMessages;
import java.util.List;
import io.pgferry.backend.ServerLoginFailure;
import io.pgferry.config.AuthMethod;
import io.pgferry.config.PoolMode;
import io.pgferry.config.UserConfig;
import io.pgferry.context.ProxyContext;
import io.pgferry.frontend.SessionStateScanner;
import io.pgferry.metrics.ProxyMetrics;
import io.pgferry.pool.LinkRelease;
import io.pgferry.pool.LinkRequest;
import io.pgferry.pool.Route;
import io.pgferry.pool.ServerPool;
import io.pgferry.protocol.SqlState;
import java.nio.charset.StandardCharsets;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /sql}: checks the connection string's password as the PostgreSQL port would, routes the request as
 * a client of its database and user, borrows a link through the pool's normal waiting rules, runs the request
 * ({@link SqlExchange}) and returns the link clean: rolled back if a transaction was left open, reset if a
 * statement may have changed session state. A client that disconnects meanwhile gets its query cancelled.
 */
final class SqlEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(SqlEndpoint.class);
    private static final String[] BATCH_HEADERS = {"Neon-Batch-Isolation-Level", "Neon-Batch-Read-Only",
            "Neon-Batch-Deferrable"};

    private final ProxyContext context;
    private final LinkParameters parameters = new LinkParameters();
    /** The last connection string and what it said: a client sends the same one with every request. */
    private volatile NeonConnectionString lastConnection;

    SqlEndpoint(ProxyContext context) {
        this.context = context;
    }

    /** Answers {@code http}; {@code answered} runs on the connection's loop once the response is written. */
    void handle(ChannelHandlerContext ctx, FullHttpRequest http, Runnable answered) {
        Responder responder = new Responder(ctx, HttpUtil.isKeepAlive(http), answered, context.metrics());
        NeonConnectionString connection;
        SqlRequest request;
        try {
            String header = http.headers().get("Neon-Connection-String");
            if (header == null) {
                throw new IllegalArgumentException("missing Neon-Connection-String header");
            }
            NeonConnectionString last = lastConnection;
            connection = last != null && last.header().equals(header) ? last : NeonConnectionString.parse(header);
            lastConnection = connection;
            request = SqlRequest.parse(http.content(), http.headers());
        } catch (IllegalArgumentException e) {
            responder.error(HttpResponseStatus.BAD_REQUEST, e.getMessage(), null);
            return;
        }
        if (request.batch()) {
            for (String name : BATCH_HEADERS) {
                String value = http.headers().get(name);
                if (value != null) {
                    responder.echoed.set(name, value);
                }
            }
        }
        UserConfig user = context.config().users().get(connection.user());
        CompletableFuture<Boolean> checked = user != null && user.authMethod() == AuthMethod.TRUST
                ? CompletableFuture.completedFuture(true)
                : context.passwordCheck().matches(connection.user(), user == null ? null : user.scram(),
                        user == null ? null : user.md5(), connection.password());
        if (checked.isDone() && !checked.isCompletedExceptionally()) {
            // A remembered password (or trust): no hop through the loop's task queue.
            loggedIn(ctx, connection, user, request, responder, checked.getNow(false));
        } else {
            checked.whenCompleteAsync((ok, failure) -> loggedIn(ctx, connection, user, request, responder,
                    Boolean.TRUE.equals(ok)), ctx.executor());
        }
    }

    private void loggedIn(ChannelHandlerContext ctx, NeonConnectionString connection, UserConfig user,
                          SqlRequest request, Responder responder, boolean ok) {
        context.metrics().clientLogin(ok);
        if (ok) {
            route(ctx, connection, user, request, responder);
        } else {
            String message = "password authentication failed for user \"" + connection.user() + "\"";
            // As the PostgreSQL port logs a refused login; the password is never part of the line.
            LOG.atInfo().addKeyValue("client", String.valueOf(ctx.channel().remoteAddress()))
                    .addKeyValue("user", connection.user()).addKeyValue("database", connection.database())
                    .addKeyValue("sqlstate", SqlState.INVALID_PASSWORD)
                    .log("edge client " + ctx.channel().remoteAddress() + ": " + message);
            context.metrics().proxyError(SqlState.INVALID_PASSWORD);
            long delay = context.config().authFailureDelay().toMillis();
            ctx.executor().schedule(() -> responder.error(HttpResponseStatus.BAD_REQUEST, message,
                    SqlState.INVALID_PASSWORD), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void route(ChannelHandlerContext ctx, NeonConnectionString connection, UserConfig user,
                       SqlRequest request, Responder responder) {
        if (AdminConsole.DATABASES.contains(connection.database())) {
            responder.error(HttpResponseStatus.BAD_REQUEST, "the admin console is not served over HTTP",
                    SqlState.INVALID_CATALOG_NAME);
            return;
        }
        Route route = context.pools().route(connection.database(), connection.user(), user, false);
        if (route instanceof Route.Refused refused) {
            responder.error(causedByUser(refused.sqlState()) ? HttpResponseStatus.BAD_REQUEST
                    : HttpResponseStatus.INTERNAL_SERVER_ERROR, refused.message(), refused.sqlState());
            return;
        }
        Route.ToPool joined = (Route.ToPool) route;
        ServerPool pool = joined.pool();
        if (request.batch() && joined.mode() == PoolMode.STATEMENT) {
            context.pools().leave(pool);
            responder.error(HttpResponseStatus.BAD_REQUEST, "transaction blocks not allowed in statement pooling mode",
                    SqlState.PROTOCOL_VIOLATION);
            return;
        }
        DatabaseCache databaseCache = context.caches().of(connection.database());
        SessionCache cache = databaseCache == null ? null
                : new SessionCache(databaseCache, context.caches().analyzer(), pool.key().user(), pool);
        if (cache != null && answeredFromCache(ctx, connection, request, pool, cache, responder)) {
            return;
        }
        boolean reset = request.statements().stream().anyMatch(statement -> {
            byte[] sql = statement.query().getBytes(StandardCharsets.UTF_8);
            return SessionStateScanner.mayAffectSession(sql, sql.length);
        });
        pool.acquire(new LinkRequest(ctx.channel().eventLoop(), (asked, link, failure) -> {
            if (failure != null) {
                context.pools().leave(pool);
                closeCache(cache);
                String sqlState = failure instanceof ServerLoginFailure login ? login.sqlState()
                        : SqlState.CONNECTION_FAILURE;
                responder.error(causedByUser(sqlState) ? HttpResponseStatus.BAD_REQUEST
                        : HttpResponseStatus.INTERNAL_SERVER_ERROR, failure.getMessage(), sqlState);
            } else if (!ctx.channel().isActive()) {
                context.pools().leave(pool);
                closeCache(cache);
                link.execute(new LinkRelease(pool, link, false));
            } else {
                link.execute(() -> run(ctx, connection, request, pool, cache, link, reset, responder));
            }
        }));
    }

    /** Neon answers 400 for what the request got wrong (credentials, database), 500 for what the service did. */
    private static boolean causedByUser(String sqlState) {
        return sqlState.startsWith("28") || sqlState.equals(SqlState.INVALID_CATALOG_NAME);
    }

    /** On the link's loop. */
    private void run(ChannelHandlerContext ctx, NeonConnectionString connection, SqlRequest request, ServerPool pool,
                     SessionCache cache, ServerConnection link, boolean reset, Responder responder) {
        // Removed when the request ends, so a kept-alive connection does not collect one listener per request.
        AtomicReference<GenericFutureListener<Future<Void>>> clientGone = new AtomicReference<>();
        SqlExchange exchange = new SqlExchange(request, cache, context.config().edge().maxResponseBytes(),
                (status, body) -> {
            ctx.channel().closeFuture().removeListener(clientGone.get());
            closeCache(cache);
            new LinkRelease(pool, link, reset).run();
            context.pools().leave(pool);
            responder.send(status, body);
        });
        clientGone.set(closed -> cancelIfRunning(exchange));
        ctx.channel().closeFuture().addListener(clientGone.get());
        exchange.start(link, parameters.wanted(link.parameters().login(), connection.parameters()));
    }

    /**
     * A single read the cache holds is answered without a link: no round trip to the server. Needs the servers'
     * login parameters, part of the key, which the pool knows once one of its links logged in.
     */
    private boolean answeredFromCache(ChannelHandlerContext ctx, NeonConnectionString connection, SqlRequest request,
                                      ServerPool pool, SessionCache cache, Responder responder) {
        List<ServerParameters.LoginParameter> login = pool.knownLogin();
        if (request.batch() || login == null) {
            return false;
        }
        SqlRequest.Statement statement = request.statements().get(0);
        byte[] queryAndTypes = SqlExchange.queryAndTypes(statement.query());
        ByteBuf bind = FrontendMessages.bindUnnamed(ctx.alloc(), statement.params());
        byte[] key;
        try {
            key = CacheRequests.bindKey(queryAndTypes, bind);
        } finally {
            bind.release();
        }
        SessionCache.Found found = cache.lookup(statement.query(), key,
                parameters.wanted(login, connection.parameters()), true, ctx.channel().eventLoop());
        if (found.result() == null) {
            return false;
        }
        ResultJson json = new ResultJson(ctx.alloc().buffer(), false, request.rawText(),
                context.config().edge().maxResponseBytes());
        json.replay(found.result().rowDescription(), found.result().rows(), statement.arrayMode());
        context.pools().leave(pool);
        cache.close();
        if (json.tooLarge()) {
            json.discard();
            responder.error(HttpResponseStatus.INSUFFICIENT_STORAGE, "response is too large (max is "
                    + context.config().edge().maxResponseBytes() + " bytes)", null);
        } else {
            responder.send(HttpResponseStatus.OK, json.finish());
        }
        return true;
    }

    private static void closeCache(SessionCache cache) {
        if (cache != null) {
            cache.close();
        }
    }

    /** The client left before its answer: the query it started has no reader, so it is cancelled. */
    private void cancelIfRunning(SqlExchange exchange) {
        if (exchange.running()) {
            ServerConnection link = exchange.link();
            context.connector().cancel(link.eventLoop(), link, exchange::running,
                    context.config().cancelWaitTimeout());
        }
    }

    /** Writes one request's response on its connection's loop, then lets the connection read its next request. */
    private static final class Responder {
        private final ChannelHandlerContext ctx;
        private final boolean keepAlive;
        private final Runnable answered;
        private final ProxyMetrics metrics;
        final HttpHeaders echoed = new DefaultHttpHeaders();

        Responder(ChannelHandlerContext ctx, boolean keepAlive, Runnable answered, ProxyMetrics metrics) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
            this.answered = answered;
            this.metrics = metrics;
        }

        void error(HttpResponseStatus status, String message, String code) {
            send(status, EdgeResponses.errorBody(ctx.alloc(), message, code));
        }

        /** Any thread; takes {@code body}. */
        void send(HttpResponseStatus status, ByteBuf body) {
            metrics.edgeRequest("sql", status.code());
            FullHttpResponse response = EdgeResponses.json(status, body);
            response.headers().add(echoed);
            ctx.executor().execute(() -> {
                EdgeResponses.send(ctx, keepAlive, response);
                answered.run();
            });
        }
    }
}
