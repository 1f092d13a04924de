package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.pgferry.config.Upstream;
import io.pgferry.metrics.PoolActivity;
import io.pgferry.prepared.ServerStatements;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ErrorFields;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.OutboundRun;
import io.pgferry.protocol.ParameterStatus;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One logged-in link to a PostgreSQL server. Requests written through {@link #send} are recorded in the link's
 * {@link ExpectedReplies}; replies flow to whichever {@link ServerClient} is attached. Confined to its channel's
 * event loop: callers on other threads go through {@link #execute}. Owns nothing but the queue's fake replies.
 */
public final class ServerConnection implements ReplySink {
    private final Channel channel;
    private final Upstream upstream;
    private final ServerParameters parameters;
    private final int processId;
    private final int secretKey;
    private final long createdNanos = System.nanoTime();
    private final ExpectedReplies replies = new ExpectedReplies(this);
    /** Requests written since the last flush, joined where a client's messages arrived back to back. */
    private final OutboundRun requests = new OutboundRun();
    private final ServerStatements statements;
    private final PendingCancels pendingCancels = new PendingCancels();
    private final LinkState state;
    private final AtomicReference<LinkLifecycle> lifecycle = new AtomicReference<>(LinkLifecycle.LOGIN);
    private final CloseListeners closeListeners = new CloseListeners();
    private volatile ServerClient client;
    private PoolActivity activity = PoolActivity.NONE;
    private final LinkTimes times = new LinkTimes(createdNanos);
    private long unreportedReceived;
    private long unreportedSent;
    private final LinkEnd end = new LinkEnd();
    /** The client that parked the link between its transactions; guarded by the pool's monitor. */
    private Object parkedBy;
    private byte transactionStatus = 'I';
    private volatile boolean broken;
    private volatile long expiresAtNanos = Long.MAX_VALUE;

    ServerConnection(Channel channel, Upstream upstream, Map<String, String> parameters, int processId, int secretKey,
                     int maxPreparedStatements) {
        this.channel = channel;
        this.statements = new ServerStatements(maxPreparedStatements);
        this.state = new LinkState(this, statements);
        this.upstream = upstream;
        this.parameters = new ServerParameters(parameters);
        this.processId = processId;
        this.secretKey = secretKey;
    }

    public void execute(Runnable task) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    public Channel channel() {
        return channel;
    }

    public void attach(ServerClient newClient) {
        this.client = newClient;
    }

    public void detach() {
        this.client = null;
    }

    /** Writes a request whose replies are handled by {@code action}; takes ownership of {@code message}. */
    public void send(ByteBuf message, Request request, ExpectedReplies.Action action) {
        times.requestStarting(replies.isEmpty());
        replies.expect(request, action);
        write(message);
    }

    /** As {@link #send(ByteBuf, Request, ExpectedReplies.Action)}, running {@code onFailure} if the request fails. */
    public void send(ByteBuf message, Request request, ExpectedReplies.Action action,
                     ExpectedReplies.FailureHook onFailure) {
        times.requestStarting(replies.isEmpty());
        replies.expect(request, action, onFailure);
        write(message);
    }

    /** As {@link #send(ByteBuf, Request, ExpectedReplies.Action)}, with {@code tap} seeing the request's replies. */
    public void send(ByteBuf message, Request request, ExpectedReplies.Action action, ReplyTap tap) {
        times.requestStarting(replies.isEmpty());
        replies.expect(request, action, null, tap);
        write(message);
    }

    /** Writes a message that expects no reply of its own (CopyData, CopyDone, CopyFail, Flush). */
    public void sendUntracked(ByteBuf message) {
        write(message);
    }

    private void write(ByteBuf message) {
        unreportedSent += message.readableBytes();
        requests.add(channel, message);
    }

    /**
     * A client's requests, read at {@code now}, are about to be sent until the next {@link #flush()}: they are timed
     * from then, which spares a clock read per request.
     */
    public void requestsArriving(long now) {
        times.batchArriving(now);
    }

    /** Queues a reply pgferry makes itself, to reach the client in order. */
    public void fake(ByteBuf message) {
        replies.fake(message);
    }

    public void flush() {
        times.batchSent();
        reportBytes();
        requests.flushTo(channel);
    }

    private void reportBytes() {
        if (unreportedReceived != 0 || unreportedSent != 0) {
            activity.bytes(unreportedReceived, unreportedSent);
            unreportedReceived = 0;
            unreportedSent = 0;
        }
    }

    /** Runs a simple query whose replies nobody sees, then calls {@code done} with whether it succeeded. */
    public void runQuietly(String sql, Consumer<Boolean> done) {
        moveTo(LinkLifecycle.RESETTING);
        attach(new QuietClient(this, done));
        send(FrontendMessages.query(channel.alloc(), sql), Request.QUERY, ExpectedReplies.Action.SKIP);
        flush();
    }

    void onMessage(ByteBuf message) {
        unreportedReceived += message.readableBytes();
        byte type = Messages.type(message);
        if (type == BackendTag.PARAMETER_STATUS) {
            ParameterStatus status = ParameterStatus.read(message);
            parameters.onReported(status.name(), status.value());
        } else if (type == BackendTag.ERROR_RESPONSE) {
            ErrorFields error = ErrorFields.read(message);
            activity.serverError(error.sqlState());
            if (replies.isEmpty() && error.isFatal()) {
                broken = true;
                end.serverFatal(error.sqlState(), error.message());
            }
        } else if (type == BackendTag.COMMAND_COMPLETE && dropsAllStatements(message)) {
            statements.clear();
            parameters.onReset();
        }
        replies.onServerMessage(message);
    }

    /** DISCARD ALL and DEALLOCATE ALL remove every prepared statement (and DISCARD ALL every setting) on the server. */
    private static boolean dropsAllStatements(ByteBuf commandComplete) {
        return Messages.commandTagIs(commandComplete, "DISCARD ALL")
                || Messages.commandTagIs(commandComplete, "DEALLOCATE ALL");
    }

    void onReadComplete() {
        reportBytes();
        ServerClient current = client;
        if (current != null) {
            current.flush();
        }
    }

    void onWritabilityChanged() {
        ServerClient current = client;
        if (current != null) {
            current.serverWritabilityChanged(channel.isWritable());
        }
    }

    void onClosed(String reason) {
        broken = true;
        lifecycle.set(LinkLifecycle.CLOSED);
        replies.clear();
        // Writing to the closed channel releases whatever was still pending.
        requests.writeTo(channel);
        reportBytes();
        ServerClient current = client;
        client = null;
        if (current != null) {
            current.serverClosed(end.forClient(reason));
        }
        closeListeners.report(this);
    }

    /** Closes the link on purpose; its client, if any, gets {@code why} as a FATAL error. Any thread. */
    public void abort(ServerClosure why) {
        end.aborted(why);
        close(why.message());
    }

    @Override
    public void forward(ByteBuf message) {
        toClient(message, false);
    }

    @Override
    public void forwardSynthesized(ByteBuf message) {
        toClient(message, true);
    }

    /** Hands a reply to the client holding the link; with none (the client left), the reply is dropped. */
    private void toClient(ByteBuf message, boolean synthesized) {
        ServerClient current = client;
        if (current == null) {
            message.release();
        } else if (synthesized) {
            current.deliverSynthesized(message);
        } else {
            current.deliver(message);
        }
    }

    @Override
    public void injectedRequestFailed(Request request, ByteBuf errorResponse) {
        ServerClient current = client;
        if (current != null) {
            current.injectedRequestFailed(request, errorResponse);
        } else {
            errorResponse.release();
        }
    }

    @Override
    public void readyForQuery(byte status, boolean idle) {
        transactionStatus = status;
        times.readyForQuery(status, idle, activity);
        ServerClient current = client;
        if (current != null) {
            current.readyForQuery(status, idle);
        }
    }

    /** Whether the link owes no replies and is outside any transaction: safe to hand to another client. */
    public boolean isIdle() {
        return replies.isEmpty() && transactionStatus == 'I';
    }

    /** Whether the link owes no replies (it may still be inside a transaction block). */
    public boolean hasNoOutstandingReplies() {
        return replies.isEmpty();
    }

    public Object parkedBy() {
        return parkedBy;
    }

    public void parkedBy(Object owner) {
        this.parkedBy = owner;
    }

    public LinkLifecycle lifecycle() {
        return lifecycle.get();
    }

    /** Moves the link along its lifecycle (see {@link LinkLifecycle}); a closed link stays closed. Any thread. */
    public void moveTo(LinkLifecycle next) {
        LinkLifecycle current;
        do {
            current = lifecycle.get();
            if (current == LinkLifecycle.CLOSED) {
                return;
            }
            assert current.canMoveTo(next) : "server link cannot go from " + current + " to " + next;
        } while (!lifecycle.compareAndSet(current, next));
    }

    /** What the link carries from one user to the next, and the one way to change it. */
    public LinkState state() {
        return state;
    }

    public byte transactionStatus() {
        return transactionStatus;
    }

    public boolean isTls() {
        return channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
    }

    public boolean isUsable() {
        return !broken && channel.isActive();
    }

    public void markBroken() {
        broken = true;
    }

    /** Closes the link on pgferry's own account; {@code reason} is what its log line says (an idle timeout, ...). */
    public void close(String reason) {
        end.byPgferry(reason);
        broken = true;
        lifecycle.set(LinkLifecycle.CLOSED);
        channel.close();
    }

    LinkEnd end() {
        return end;
    }

    PendingCancels pendingCancels() {
        return pendingCancels;
    }

    /** Whether a CancelRequest sent for this link may still reach its server; such a link goes to no other client. */
    public boolean hasCancelsInFlight() {
        return pendingCancels.any();
    }

    /** On the link's loop: runs {@code action} once no CancelRequest for this link is in flight (at once if none is). */
    public void whenNoCancelsInFlight(Runnable action) {
        pendingCancels.whenNone(action);
    }

    /** Adds {@code listener}, told once when the link has closed: at once if it already has. */
    public void onClose(Consumer<ServerConnection> listener) {
        closeListeners.add(this, listener);
    }

    /** The server session's parameters: reported, applied by pgferry, and the client set in force. */
    public ServerParameters parameters() {
        return parameters;
    }

    public int processId() {
        return processId;
    }

    public int secretKey() {
        return secretKey;
    }

    public Upstream upstream() {
        return upstream;
    }

    public long createdNanos() {
        return createdNanos;
    }

    /** Where this link reports its traffic: its pool's meters. */
    public void reportTo(PoolActivity poolActivity) {
        this.activity = poolActivity;
    }

    public PoolActivity activity() {
        return activity;
    }

    /** When the oldest request still unanswered was sent (0 if none); read by housekeeping on any thread. */
    public long requestStartNanos() {
        return times.requestStartNanos();
    }

    /** When the open transaction began (0 if none); read by housekeeping on any thread. */
    public long transactionStartNanos() {
        return times.transactionStartNanos();
    }

    /** The client holding the link now, or {@code null}; for the admin console, read on any thread. */
    public ServerClient client() {
        return client;
    }

    public long idleSinceNanos() {
        return times.idleSinceNanos();
    }

    public long expiresAtNanos() {
        return expiresAtNanos;
    }

    public void expireAt(long nanos) {
        expiresAtNanos = nanos;
    }
}
