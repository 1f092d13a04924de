package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerLoginFailure;
import io.pgferry.backend.ServerParameters;
import io.pgferry.cache.DatabaseCache;
import io.pgferry.cache.SessionCache;
import io.pgferry.metrics.LoopClock;
import io.pgferry.pool.LinkRelease;
import io.pgferry.pool.Route;
import io.pgferry.pool.ServerPool;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.SqlState;
import java.util.List;

/**
 * A logged-in client. It holds a server link for its whole session (session mode), or from its first request
 * until the link is idle outside a transaction with nothing outstanding (transaction and statement mode).
 *
 * <p>Its {@link SessionState} says where it stands (logging in, idle, waiting, active, parked, closing) and changes
 * in one place, {@link #moveTo}; {@link ModeRules} says what its pool mode implies.
 *
 * <p>Threads: the decision to take or give back a link is made on the client's event loop, which alone knows
 * what it has dispatched; requests are written and replies routed on the link's loop (the same one when the link
 * was opened for this client). Each read burst travels to the link as one batch; a link is released only when
 * the batch counter shows nothing was dispatched since the link reported itself idle, so a client never holds two
 * links and its replies stay in order. Owns the frames it has read until they are handed to the link.
 */
final class ClientSession extends ChannelInboundHandlerAdapter {
    private final FrontendContext context;
    private final ClientStartup startup;
    private final ModeRules rules;
    /** The client's pool: its login and everything read routing does not send to standbys. */
    private final ServerPool pool;
    /** Decides which requests go to standbys; {@code null} unless its database routes reads (read-routing = auto). */
    private final ReadRouter readRouter;
    /** The pool of the database's standbys, for read-only requests; {@code null} with {@link #readRouter}. */
    private final ServerPool reads;
    private final RequestForwarder forwarder;
    private final SessionForwarding sessionForwarding;
    /** Answers cached results without a server; {@code null} when the database has no cache or the mode keeps links. */
    private final CachedAnswers cachedAnswers;
    private Channel channel;
    private final ServerWait serverWait;
    /** The link this client holds, possibly parked between transactions, and its pool (client loop). */
    private final HeldLink held;
    private ClientHandle handle;
    private ClientReplies replies;
    private InboundBatches inbound;
    private final SessionGreeting greeting;
    /** Changed only by {@link #moveTo}, on the client's loop; read by SHOW CLIENTS and draining on any thread. */
    private volatile SessionState state = SessionState.LOGGING_IN;
    private IdleTimeouts idleTimeouts;

    ClientSession(FrontendContext context, ClientStartup startup, Route.ToPool route) {
        this.context = context;
        this.startup = startup;
        this.rules = ModeRules.of(route.mode());
        this.greeting = new SessionGreeting(context, startup);
        this.pool = route.pool();
        this.held = new HeldLink(pool);
        this.reads = route.reads();
        this.readRouter = reads == null ? null : ReadRouter.forClient(context.shared().caches(), startup.database(),
                reads, () -> channel.eventLoop(), pool.settings().readYourWritesWindow());
        this.serverWait = new ServerWait(this::onAcquired);
        this.forwarder = new RequestForwarder(context.statements(), startup, ByteBufAllocator.DEFAULT);
        this.sessionForwarding = rules.givesServerBack() ? null : new SessionForwarding(startup, ByteBufAllocator.DEFAULT);
        DatabaseCache cache = context.shared().caches().of(startup.database());
        SessionCache sessionCache = cache == null ? null
                : new SessionCache(cache, context.shared().caches().analyzer(), pool.key().user(), pool);
        if (sessionCache != null) {
            forwarder.useCache(sessionCache);
        }
        if (sessionCache != null && sessionForwarding != null) {
            sessionForwarding.useCache(new SessionModeCache(sessionCache, forwarder));
        }
        cachedAnswers = sessionCache != null && sessionForwarding == null ? new CachedAnswers(sessionCache, forwarder)
                : null;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        handle = new ClientHandle(this, context, startup, channel, context.sessions().newId());
        context.sessions().register(handle);
        replies = new ClientReplies(this, handle, channel, rules, forwarder);
        idleTimeouts = new IdleTimeouts(channel, context.config().clientIdleTimeout(),
                context.config().idleTransactionTimeout());
        // From here the session frames by itself, in place; the framer hands over any bytes it still holds.
        inbound = new InboundBatches(context.config().maxMessageSize(), channel.alloc());
        ctx.pipeline().remove(MessageFrameDecoder.class);
        List<ServerParameters.LoginParameter> known = rules.givesServerBack() ? pool.knownLogin() : null;
        if (known != null) {
            greetFromPool(known);
        } else {
            // Nothing is read while the login waits for a server; greeted at once, the client needs no such pause.
            channel.config().setAutoRead(false);
            acquire(pool);
        }
    }

    /**
     * Logs the client in with what the pool's servers reported, as PgBouncer greets from its cached welcome: a
     * transaction-pooled client needs no server before its first request, so a login costs no hand-over.
     */
    private void greetFromPool(List<ServerParameters.LoginParameter> serverLogin) {
        greeting.registerCancel(handle);
        channel.writeAndFlush(greeting.greeting(channel.alloc(), serverLogin, forwarder, replies));
        // A task of its own: the session handler may still be joining the pipeline.
        channel.eventLoop().execute(this::finishLogin);
    }

    private void acquire(ServerPool from) {
        if (state != SessionState.LOGGING_IN) {
            moveTo(SessionState.WAITING);
        }
        held.waitIn(from);
        serverWait.start(channel.eventLoop(), from);
    }

    /** The one place a session changes state; a move the state machine does not allow is a bug, said loudly. */
    private void moveTo(SessionState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("client session cannot go from " + state + " to " + next);
        }
        state = next;
    }

    private void onAcquired(ServerConnection acquired, Throwable error) {
        if (error != null) {
            String sqlState = error instanceof ServerLoginFailure failure ? failure.sqlState() : SqlState.PROTOCOL_VIOLATION;
            ClientErrors.fatal(channel, sqlState, error.getMessage());
            return;
        }
        if (!channel.isActive()) {
            held.pool().release(acquired);
            return;
        }
        held.hold(acquired);
        handle.activeLink(acquired);
        boolean greet = state == SessionState.LOGGING_IN;
        if (greet) {
            greeting.registerCancel(handle);
        } else {
            moveTo(SessionState.ACTIVE);
        }
        acquired.execute(() -> {
            if (!greeting.bringLink(acquired, greet, channel, forwarder, replies)) {
                return;
            }
            if (greet) {
                // A task of its own: the session handler may still be joining the pipeline.
                channel.eventLoop().execute(this::finishLogin);
            } else if (channel.eventLoop().inEventLoop()) {
                dispatchInbound();
            } else {
                channel.eventLoop().execute(this::dispatchInbound);
            }
        });
    }

    private void finishLogin() {
        if (state != SessionState.LOGGING_IN) {
            return;
        }
        ServerConnection greeted = held.link();
        moveTo(greeted != null ? SessionState.ACTIVE : SessionState.IDLE);
        ClientStartupHandler.loginDone(context, channel);
        resumeReading(channel);
        idleTimeouts.waitingForClient((byte) 'I');
        if (greeted != null) {
            greeted.execute(() -> offerRelease(greeted));
        }
        dispatchInbound();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inbound.read((ByteBuf) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        dispatchInbound();
    }

    private void dispatchInbound() {
        if (state == SessionState.LOGGING_IN || state == SessionState.CLOSING
                || state == SessionState.AWAITING_RESULT || inbound.isEmpty()) {
            return;
        }
        idleTimeouts.requestArrived();
        long now = LoopClock.nanoTime();
        handle.requestArrived(now);
        ServerConnection current = held.link();
        ReadRouter.Verdict verdict = readRouter == null ? null : readRouter.judge(inbound.pending());
        if (cachedAnswers != null && (state == SessionState.PARKED || state == SessionState.IDLE)) {
            CachedAnswers.Outcome outcome = cachedAnswers.answer(inbound.pending(), channel,
                    pool.settings().acquireTimeout(), this::resultFilled);
            if (outcome == CachedAnswers.Outcome.ANSWERED) {
                if (verdict != null) {
                    readRouter.dispatched(verdict);
                }
                idleTimeouts.waitingForClient((byte) 'I');
                return;
            }
            if (outcome == CachedAnswers.Outcome.AWAIT) {
                moveTo(SessionState.AWAITING_RESULT);
                return;
            }
        }
        ServerPool wanted = verdict != null && readRouter.toStandby(verdict, now) ? reads : pool;
        if (state == SessionState.PARKED) {
            if (held.unpark(this, wanted, now)) {
                moveTo(SessionState.ACTIVE);
                handle.activeLink(current);
            } else {
                moveTo(SessionState.IDLE);
                current = null;
            }
        }
        if (current == null) {
            if (state == SessionState.IDLE && !LinklessMessages.endsOrOnlyFlushes(inbound.pending(), channel)) {
                if (context.isDraining()) {
                    ClientErrors.fatal(channel, SqlState.ADMIN_SHUTDOWN, "pgferry is shutting down");
                    return;
                }
                acquire(wanted);
            }
            return;
        }
        if (verdict != null) {
            if (held.pool() == reads && !verdict.readOnly()) {
                // A standby cannot run it: it waits until this link comes back (now, if it is idle), then goes to
                // the primary.
                ServerConnection standing = current;
                standing.execute(() -> offerRelease(standing));
                return;
            }
            readRouter.dispatched(verdict);
        }
        List<ByteBuf> batch = inbound.take();
        long batchNumber = inbound.lastDispatched();
        ServerConnection target = current;
        target.execute(() -> forward(target, batch, batchNumber, now));
    }

    /** Runs on the link's loop. */
    private void forward(ServerConnection current, List<ByteBuf> batch, long batchNumber, long arrivedNanos) {
        current.requestsArriving(arrivedNanos);
        boolean goOn;
        try {
            goOn = sessionForwarding != null ? sessionForwarding.forward(current, batch) : forwarder.forward(current, batch);
        } catch (RuntimeException e) {
            current.flush();
            ClientErrors.onException(channel, e);
            return;
        }
        current.flush();
        if (current.hasNoOutstandingReplies()) {
            // Replies pgferry answered itself (a Parse the link had, a Close) get no server reply to flush them.
            replies.flush();
        }
        inbound.processed(batchNumber);
        if (!goOn) {
            channel.close();
            return;
        }
        offerRelease(current);
    }

    /** On the link's loop: if the link could go back to the pool now, ask the client's loop to confirm. */
    private void offerRelease(ServerConnection current) {
        if (!rules.givesServerBack() || forwarder.pin() != null || forwarder.isDiscardingUntilSync() || !current.isIdle()) {
            return;
        }
        long processed = inbound.lastProcessed();
        if (channel.eventLoop().inEventLoop()) {
            releaseIfQuiet(current, processed);
        } else {
            channel.eventLoop().execute(() -> releaseIfQuiet(current, processed));
        }
    }

    /**
     * On the client's loop: gives the link up unless the client dispatched more to it meanwhile. It stays parked
     * with this client, free for any other client that needs it, or goes straight to a waiting client.
     */
    private void releaseIfQuiet(ServerConnection current, long processed) {
        if (held.link() != current || state != SessionState.ACTIVE || !inbound.nothingSince(processed) || !channel.isActive()) {
            return;
        }
        handle.activeLink(null);
        // Back-pressure set while this client held the link must not outlive the hand-over, on either side.
        resumeReading(current.channel());
        resumeReading(channel);
        if (readRouter != null) {
            readRouter.linkReleased(System.nanoTime());
        }
        moveTo(held.parkOrGiveBack(this) ? SessionState.PARKED : SessionState.IDLE);
        if (context.isDraining() && inbound.isEmpty()) {
            ClientErrors.fatal(channel, SqlState.ADMIN_SHUTDOWN, "pgferry is shutting down");
            return;
        }
        dispatchInbound();
    }

    /** Checked first: setting auto-read is an atomic swap, and it is almost always on already. */
    private static void resumeReading(Channel reader) {
        if (!reader.config().isAutoRead()) {
            reader.config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ServerConnection current = held.link();
        if (current != null) {
            // A client that reads slowly stops pgferry reading from its server, so nothing piles up in memory.
            current.channel().config().setAutoRead(channel.isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        context.pools().leave(pool);
        if (reads != null) {
            context.pools().leave(reads);
        }
        context.sessions().unregister(handle.id());
        SessionState was = state;
        moveTo(SessionState.CLOSING);
        inbound.release();
        greeting.unregisterCancel();
        if (cachedAnswers != null) {
            cachedAnswers.close();
        }
        serverWait.abandon();
        ServerPool heldPool = held.pool();
        ServerConnection current = held.leave(this, was == SessionState.PARKED || was == SessionState.AWAITING_RESULT);
        handle.activeLink(null);
        boolean reset = rules.resetsOnLeave(forwarder.pin() != null);
        if (current != null) {
            current.execute(() -> {
                current.detach();
                replies.writePending();
                current.channel().config().setAutoRead(true);
                forwarder.close();
                // Its reset must not be the target of a cancel this client sent just before leaving.
                current.whenNoCancelsInFlight(new LinkRelease(heldPool, current, reset));
            });
        } else {
            forwarder.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ClientErrors.onException(ctx.channel(), cause);
    }

    /** On the client's loop: the result this client waited for was filled (or the wait timed out): look again. */
    private void resultFilled() {
        if (state != SessionState.AWAITING_RESULT) {
            return;
        }
        cachedAnswers.stopWaiting();
        // A link it parked stays parked meanwhile, free for others; taking it back is tried as usual.
        moveTo(held.link() != null ? SessionState.PARKED : SessionState.IDLE);
        dispatchInbound();
    }

    /** On the client's loop: a CancelRequest took this client out of the queue for a server or for a result. */
    void cancelWait() {
        if (state == SessionState.AWAITING_RESULT) {
            cachedAnswers.stopWaiting();
        } else if (state != SessionState.WAITING || !serverWait.abandon()) {
            return;
        }
        moveTo(held.link() != null ? SessionState.PARKED : SessionState.IDLE);
        inbound.dropPending();
        channel.write(BackendMessages.errorResponse(channel.alloc(), "ERROR", SqlState.QUERY_CANCELED,
                "canceling statement due to user request"));
        channel.writeAndFlush(BackendMessages.readyForQuery(channel.alloc(), (byte) 'I'));
    }

    /** On the link's loop: the link answered everything and is outside a transaction block, or idle in one. */
    void linkIdle(ServerConnection current, byte transactionStatus) {
        offerRelease(current);
        idleTimeouts.linkIdle(inbound, transactionStatus);
    }

    /** Any thread: read by SHOW CLIENTS and draining. */
    SessionState state() {
        return state;
    }

    /** When the client began to wait for a server, or 0; any thread. */
    long waitingSinceNanos() {
        return serverWait.waitingSinceNanos();
    }

    String applicationName() {
        return replies.applicationName();
    }

    int preparedStatementCount() {
        return forwarder.preparedStatementCount();
    }
}
