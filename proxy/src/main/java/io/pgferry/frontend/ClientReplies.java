package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.pgferry.backend.Request;
import io.pgferry.backend.ServerClient;
import io.pgferry.backend.ServerClosure;
import io.pgferry.backend.ServerConnection;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ErrorFields;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.OutboundRun;
import io.pgferry.protocol.ParameterStatus;
import io.pgferry.protocol.SqlState;

/**
 * How a server link's replies reach one client, on the link's event loop. Replies are joined into runs and
 * flushed when the server's read burst ends or the link goes idle (before it can serve another client); the few
 * that matter to the session are looked at on the way: a FATAL error, a changed parameter, ReadyForQuery. A
 * parked link speaks out of turn only to die, so what it sends is not this client's news. Owns the replies it is
 * given until they are written.
 */
final class ClientReplies implements ServerClient {
    private final ClientSession session;
    private final ClientHandle handle;
    private final Channel channel;
    private final ModeRules rules;
    private final RequestForwarder forwarder;
    private final OutboundRun run = new OutboundRun();
    private volatile boolean fatalSent;
    private volatile String applicationName;

    ClientReplies(ClientSession session, ClientHandle handle, Channel channel, ModeRules rules,
                  RequestForwarder forwarder) {
        this.session = session;
        this.handle = handle;
        this.channel = channel;
        this.rules = rules;
        this.forwarder = forwarder;
    }

    @Override
    public void deliver(ByteBuf message) {
        if (handle.activeLink() == null && rules.givesServerBack()) {
            message.release();
            return;
        }
        byte type = Messages.type(message);
        if (type == BackendTag.ERROR_RESPONSE && ErrorFields.read(message).isFatal()) {
            fatalSent = true;
        } else if (type == BackendTag.PARAMETER_STATUS) {
            ParameterStatus status = ParameterStatus.read(message);
            if (status.name().equals("application_name")) {
                applicationName = status.value();
            }
            forwarder.parameterReported(status.name(), status.value());
        }
        run.add(channel, message);
    }

    @Override
    public void deliverSynthesized(ByteBuf message) {
        run.add(channel, message);
    }

    @Override
    public void flush() {
        run.flushTo(channel);
    }

    /** Writes what is pending without flushing; to a closed channel, that releases it. */
    void writePending() {
        run.writeTo(channel);
    }

    @Override
    public void injectedRequestFailed(Request request, ByteBuf errorResponse) {
        if (request == Request.PARSE) {
            // Re-preparing a statement failed (say, its table was dropped): the client sees it as its Bind's error.
            run.add(channel, errorResponse);
            return;
        }
        run.writeTo(channel);
        fatalSent = true;
        channel.writeAndFlush(ErrorFields.escalateToFatal(errorResponse)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void readyForQuery(byte transactionStatus, boolean idle) {
        // Before the client can see this ReadyForQuery: a transaction's writes drop the cached results they changed.
        forwarder.readyForQuery(transactionStatus);
        ServerConnection current = handle.activeLink();
        if (rules.refusesTransactionBlocks() && transactionStatus == 'T' && current != null) {
            run.writeTo(channel);
            ClientErrors.fatal(channel, SqlState.PROTOCOL_VIOLATION,
                    "transaction blocks not allowed in statement pooling mode");
            return;
        }
        if (idle && current != null) {
            // The link may go to another client before this read burst ends, so this client's replies go out now.
            run.flushTo(channel);
            session.linkIdle(current, transactionStatus);
        }
    }

    @Override
    public void serverWritabilityChanged(boolean writable) {
        channel.config().setAutoRead(writable);
    }

    @Override
    public void serverClosed(ServerClosure why) {
        if (!handle.loseActiveLink(rules.givesServerBack())) {
            // A parked link died between transactions: the client's next request finds it gone and takes another.
            return;
        }
        run.writeTo(channel);
        if (fatalSent) {
            channel.close();
        } else {
            ClientErrors.fatal(channel, why.sqlState(), why.message());
        }
    }

    @Override
    public long clientId() {
        return handle.id();
    }

    String applicationName() {
        return applicationName;
    }

    void applicationName(String name) {
        applicationName = name;
    }
}
