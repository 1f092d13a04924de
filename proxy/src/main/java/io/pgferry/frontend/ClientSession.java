package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgferry.backend.ExpectedReplies;
import io.pgferry.backend.Request;
import io.pgferry.backend.ServerClient;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerConnector;
import io.pgferry.backend.ServerLoginFailure;
import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.UserConfig;
import io.pgferry.pool.PoolKey;
import io.pgferry.pool.ServerPool;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ErrorFields;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.ProtocolViolation;
import io.pgferry.protocol.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A logged-in client in session mode: it holds one server link from its first request to its disconnect.
 * Requests are framed, recorded in the link's expected-reply queue and forwarded as the same buffers; replies
 * come back through {@link ServerClient}. On disconnect the link is rolled back and reset before it returns to
 * the pool, or closed if a request is still running on it.
 *
 * <p>Threads: channel events run on the client's event loop; everything touching the link runs on the link's
 * loop (the same one when the link was opened for this client). Frames read in one burst travel to the link as
 * one batch. Owns the frames it has read until they are handed to the link.
 */
final class ClientSession extends ChannelInboundHandlerAdapter implements ServerClient {
    private final FrontendContext context;
    private final ClientStartup startup;
    private final UserConfig user;
    private Channel channel;
    private ServerPool pool;
    private CompletableFuture<ServerConnection> pending;
    private volatile ServerConnection link;
    private List<ByteBuf> inbound = new ArrayList<>();
    private long cancelKey;
    private boolean ready;
    private volatile boolean fatalSent;

    ClientSession(FrontendContext context, ClientStartup startup, UserConfig user) {
        this.context = context;
        this.startup = startup;
        this.user = user;
    }

    boolean isReady() {
        return ready;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        DatabaseConfig database = context.config().database(startup.database());
        if (database == null) {
            ClientErrors.fatal(channel, SqlState.INVALID_CATALOG_NAME,
                    "database \"" + startup.database() + "\" does not exist");
            return;
        }
        String upstreamUser = database.upstream().user() != null ? database.upstream().user() : startup.user();
        String password = database.upstream().user() != null ? database.upstream().password()
                : user == null ? null : user.plainPassword();
        ServerConnector.Login login = new ServerConnector.Login(database.upstream(),
                database.upstreamDatabase(startup.database()), upstreamUser, password);
        pool = context.pools().pool(new PoolKey(startup.database(), upstreamUser), login, database.pool());
        channel.config().setAutoRead(false);
        pending = pool.acquire(channel.eventLoop());
        pending.whenCompleteAsync(this::onAcquired, channel.eventLoop());
    }

    private void onAcquired(ServerConnection acquired, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            String sqlState = cause instanceof ServerLoginFailure failure ? failure.sqlState() : SqlState.PROTOCOL_VIOLATION;
            ClientErrors.fatal(channel, sqlState, cause.getMessage());
            return;
        }
        if (!channel.isActive()) {
            pool.release(acquired);
            return;
        }
        link = acquired;
        cancelKey = context.cancels().register(this);
        acquired.execute(() -> greet(acquired));
    }

    /** Applies the client's parameters to the link, then sends ParameterStatus, BackendKeyData, ReadyForQuery. */
    private void greet(ServerConnection acquired) {
        acquired.attach(this);
        Map<String, String> serverParameters = acquired.parameters();
        String set;
        try {
            set = ParameterSync.setStatement(startup.sessionParameters(), serverParameters);
        } catch (IllegalArgumentException e) {
            ClientErrors.fatal(channel, SqlState.PROTOCOL_VIOLATION, e.getMessage());
            return;
        }
        if (set != null) {
            acquired.send(FrontendMessages.query(channel.alloc(), set), Request.QUERY, ExpectedReplies.Action.SKIP);
        }
        for (Map.Entry<String, String> parameter : serverParameters.entrySet()) {
            String wanted = startup.sessionParameters().get(parameter.getKey().toLowerCase(java.util.Locale.ROOT));
            acquired.fake(BackendMessages.parameterStatus(channel.alloc(), parameter.getKey(),
                    wanted != null ? wanted : parameter.getValue()));
        }
        acquired.fake(BackendMessages.backendKeyData(channel.alloc(), (int) (cancelKey >>> 32), (int) cancelKey));
        acquired.fake(BackendMessages.readyForQuery(channel.alloc(), (byte) 'I'));
        acquired.flush();
        channel.flush();
        channel.eventLoop().execute(() -> {
            ready = true;
            channel.config().setAutoRead(true);
            dispatchInbound();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inbound.add((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        dispatchInbound();
    }

    private void dispatchInbound() {
        ServerConnection current = link;
        if (!ready || inbound.isEmpty() || current == null) {
            return;
        }
        List<ByteBuf> batch = inbound;
        inbound = new ArrayList<>();
        current.execute(() -> forward(current, batch));
    }

    /** Runs on the link's loop: records and writes each request of the batch, in order. */
    private void forward(ServerConnection current, List<ByteBuf> batch) {
        for (int i = 0; i < batch.size(); i++) {
            ByteBuf frame = batch.get(i);
            byte type = Messages.type(frame);
            Request request = requestOf(type);
            if (request != null) {
                current.send(frame, request, ExpectedReplies.Action.FORWARD);
            } else if (isUntracked(type)) {
                current.sendUntracked(frame);
            } else {
                batch.subList(i, batch.size()).forEach(ByteBuf::release);
                current.flush();
                if (type == FrontendTag.TERMINATE) {
                    channel.close();
                } else {
                    ClientErrors.onException(channel, new ProtocolViolation(
                            "invalid frontend message type " + (type & 0xFF)));
                }
                return;
            }
        }
        current.flush();
    }

    private static Request requestOf(byte type) {
        return switch (type) {
            case FrontendTag.QUERY -> Request.QUERY;
            case FrontendTag.PARSE -> Request.PARSE;
            case FrontendTag.BIND -> Request.BIND;
            case FrontendTag.DESCRIBE -> Request.DESCRIBE;
            case FrontendTag.EXECUTE -> Request.EXECUTE;
            case FrontendTag.CLOSE -> Request.CLOSE;
            case FrontendTag.SYNC -> Request.SYNC;
            case FrontendTag.FUNCTION_CALL -> Request.FUNCTION_CALL;
            default -> null;
        };
    }

    private static boolean isUntracked(byte type) {
        return type == FrontendTag.COPY_DATA || type == FrontendTag.COPY_DONE || type == FrontendTag.COPY_FAIL
                || type == FrontendTag.FLUSH;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ServerConnection current = link;
        if (current != null) {
            // A client that reads slowly stops pgferry reading from its server, so nothing piles up in memory.
            current.channel().config().setAutoRead(channel.isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ready = false;
        inbound.forEach(ByteBuf::release);
        inbound.clear();
        if (cancelKey != 0) {
            context.cancels().unregister(cancelKey);
        }
        if (pending != null && !pending.isDone()) {
            pool.abandon(pending);
        }
        ServerConnection current = link;
        link = null;
        if (current != null) {
            current.execute(() -> {
                current.detach();
                current.channel().config().setAutoRead(true);
                new LinkRelease(pool, current).run();
            });
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ClientErrors.onException(ctx.channel(), cause);
    }

    /** Forwards this client's CancelRequest to the server running its query, on a connection of its own. */
    void cancel() {
        ServerConnection current = link;
        if (current != null) {
            context.connector().cancel(channel.eventLoop(), current);
        }
    }

    @Override
    public void deliver(ByteBuf message) {
        if (Messages.type(message) == BackendTag.ERROR_RESPONSE && ErrorFields.read(message).isFatal()) {
            fatalSent = true;
        }
        channel.write(message, channel.voidPromise());
    }

    @Override
    public void flush() {
        channel.flush();
    }

    @Override
    public void injectedRequestFailed(ByteBuf errorResponse) {
        fatalSent = true;
        channel.writeAndFlush(errorResponse).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
    }

    @Override
    public void readyForQuery(byte transactionStatus, boolean idle) {
    }

    @Override
    public void serverWritabilityChanged(boolean writable) {
        channel.config().setAutoRead(writable);
    }

    @Override
    public void serverClosed(String reason) {
        link = null;
        if (fatalSent) {
            channel.close();
        } else {
            ClientErrors.fatal(channel, SqlState.CONNECTION_FAILURE, "server connection closed: " + reason);
        }
    }
}
