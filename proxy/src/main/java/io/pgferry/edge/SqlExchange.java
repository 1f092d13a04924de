package io.pgferry.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.pgferry.backend.ExpectedReplies.Action;
import io.pgferry.backend.Request;
import io.pgferry.backend.OwnQueryClient;
import io.pgferry.backend.ServerClosure;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.SessionParameters;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.Messages;
import io.pgferry.cache.SessionCache;
import io.pgferry.frontend.CacheRequests;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one SQL request on a borrowed link: each statement as the unnamed statement and portal (Parse, Bind with
 * text parameters, Describe, Execute) and one Sync after them all, so the whole request is one round trip to the
 * server and one implicit transaction. A batch is wrapped in BEGIN and COMMIT, whose replies are swallowed; after
 * an error the server skips to the Sync and the link's release rolls the transaction back. Called on the link's
 * event loop.
 */
final class SqlExchange extends OwnQueryClient {
    /** The request's outcome, on the link's loop, after the link was handed to {@code release}. */
    @FunctionalInterface
    interface Outcome {
        void done(HttpResponseStatus status, ByteBuf body);
    }

    private final SqlRequest request;
    private final SessionCache cache;
    private final long maxResponseBytes;
    private final Outcome outcome;
    private ServerConnection link;
    private ResultJson result;
    private ByteBuf error;
    private ServerClosure closure;
    private int statement;
    private volatile boolean running = true;

    /** {@code cache}: the database's result cache as this request sees it, or {@code null}. */
    SqlExchange(SqlRequest request, SessionCache cache, long maxResponseBytes, Outcome outcome) {
        this.request = request;
        this.cache = cache;
        this.maxResponseBytes = maxResponseBytes;
        this.outcome = outcome;
    }

    void start(ServerConnection borrowed, SessionParameters wanted) {
        link = borrowed;
        ByteBufAllocator allocator = link.channel().alloc();
        result = new ResultJson(allocator.buffer(), request.batch(), request.rawText(), maxResponseBytes);
        link.attach(this);
        link.state().applyParameters(wanted);
        link.state().unnamedReplaced();
        if (request.batch()) {
            sendQuietly(allocator, request.begin());
        }
        for (SqlRequest.Statement each : request.statements()) {
            link.send(FrontendMessages.parseUnnamed(allocator, each.query()), Request.PARSE, Action.FORWARD);
            ByteBuf bind = FrontendMessages.bindUnnamed(allocator, each.params());
            if (cache != null) {
                // As for a client on the PostgreSQL port: a read may fill the cache, a write drops what it changed.
                byte[] queryAndTypes = queryAndTypes(each.query());
                cache.onBind(queryAndTypes, CacheRequests.bindKey(queryAndTypes, bind), wanted, request.batch(), false,
                        link.eventLoop());
            }
            link.send(bind, Request.BIND, Action.FORWARD);
            link.send(FrontendMessages.describeUnnamedPortal(allocator), Request.DESCRIBE, Action.FORWARD,
                    cache == null ? null : cache.onDescribePortal());
            ByteBuf execute = FrontendMessages.executeUnnamed(allocator);
            link.send(execute, Request.EXECUTE, Action.FORWARD, cache == null ? null : cache.onExecute(execute));
        }
        if (request.batch()) {
            sendQuietly(allocator, "COMMIT");
        }
        link.send(FrontendMessages.sync(allocator), Request.SYNC, Action.FORWARD, cache == null ? null : cache.onSync());
        link.flush();
    }

    /** A Parse's query-and-types bytes for {@code sql} with no declared parameter types, as cache keys use them. */
    static byte[] queryAndTypes(String sql) {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(text, text.length + 3);
    }

    private void sendQuietly(ByteBufAllocator allocator, String sql) {
        link.send(FrontendMessages.parseUnnamed(allocator, sql), Request.PARSE, Action.SKIP);
        link.send(FrontendMessages.bindUnnamed(allocator, List.of()), Request.BIND, Action.SKIP);
        link.send(FrontendMessages.executeUnnamed(allocator), Request.EXECUTE, Action.SKIP);
    }

    /** Whether the request still runs on its link; read by the HTTP side when its client goes away. */
    boolean running() {
        return running;
    }

    ServerConnection link() {
        return link;
    }

    @Override
    public void deliver(ByteBuf message) {
        try {
            switch (Messages.type(message)) {
                case BackendTag.ROW_DESCRIPTION -> result.fields(message, current().arrayMode());
                case BackendTag.NO_DATA -> result.fields(null, current().arrayMode());
                case BackendTag.DATA_ROW -> result.row(message);
                case BackendTag.COMMAND_COMPLETE -> completeStatement(message);
                case BackendTag.EMPTY_QUERY_RESPONSE -> completeStatement(null);
                case BackendTag.ERROR_RESPONSE -> keepError(message.retain());
                default -> {
                    // ParseComplete, BindComplete, notices and ReadyForQuery say nothing the response needs.
                }
            }
        } finally {
            message.release();
        }
    }

    private SqlRequest.Statement current() {
        return request.statements().get(Math.min(statement, request.statements().size() - 1));
    }

    private void completeStatement(ByteBuf commandComplete) {
        result.complete(commandComplete);
        statement++;
    }

    private void keepError(ByteBuf errorResponse) {
        if (error == null) {
            error = errorResponse;
        } else {
            errorResponse.release();
        }
    }

    /** A batch's BEGIN or COMMIT failed (a serialization failure at commit, say): the request failed with it. */
    @Override
    public void injectedRequestFailed(Request failed, ByteBuf errorResponse) {
        keepError(errorResponse);
    }

    @Override
    public void readyForQuery(byte transactionStatus, boolean idle) {
        if (cache != null) {
            cache.transactionStatus(transactionStatus);
        }
        if (idle) {
            running = false;
            link.detach();
            finish();
        }
    }

    @Override
    public void serverClosed(ServerClosure why) {
        closure = why;
        running = false;
        finish();
    }

    /** Hands the response over; the link was detached (idle) or is gone (closed). */
    private void finish() {
        ByteBufAllocator allocator = link.channel().alloc();
        if (closure != null) {
            result.discard();
            release(error);
            outcome.done(HttpResponseStatus.INTERNAL_SERVER_ERROR, EdgeResponses.errorBody(allocator,
                    closure.message(), closure.sqlState()));
        } else if (error != null) {
            result.discard();
            outcome.done(HttpResponseStatus.BAD_REQUEST, ErrorJson.of(allocator, error));
            error.release();
        } else if (result.tooLarge()) {
            result.discard();
            outcome.done(HttpResponseStatus.INSUFFICIENT_STORAGE, EdgeResponses.errorBody(allocator,
                    "response is too large (max is " + maxResponseBytes + " bytes)", null));
        } else {
            outcome.done(HttpResponseStatus.OK, result.finish());
        }
    }

    private static void release(ByteBuf buffer) {
        if (buffer != null) {
            buffer.release();
        }
    }
}
