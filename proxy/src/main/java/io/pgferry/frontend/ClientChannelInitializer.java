package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.SqlState;

/**
 * Sets up a new client connection: framing in startup mode, then the startup handler; counts open clients and
 * those still logging in.
 */
public final class ClientChannelInitializer extends ChannelInitializer<Channel> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientChannelInitializer.class);
    private final FrontendContext context;

    public ClientChannelInitializer(FrontendContext context) {
        this.context = context;
    }

    @Override
    protected void initChannel(Channel channel) {
        initialize(channel, context);
    }

    /** What a new client connection starts with; apart from {@link #initChannel} so tests can use any channel. */
    static void initialize(Channel channel, FrontendContext context) {
        admit(channel, context);
        channel.pipeline().addLast("direct-tls", new DirectTlsDetector(context));
        addStartupHandlers(channel, context);
    }

    /**
     * A WebSocket that carries PostgreSQL bytes becomes a client like one on the PostgreSQL port, from its
     * StartupMessage on: the handlers join the pipeline after the one that unwraps the frames.
     */
    public static void startOverWebSocket(Channel channel, FrontendContext context) {
        ClientTransport.WEBSOCKET.mark(channel);
        admit(channel, context);
        addStartupHandlers(channel, context);
    }

    private static void admit(Channel channel, FrontendContext context) {
        context.clientChannels().add(channel);
        channel.attr(ClientErrors.METRICS).set(context.metrics());
        Channel dropped = context.admission().connected(channel, context.config().loginsInProgressLimit());
        if (dropped != null) {
            dropped.eventLoop().execute(() -> ClientErrors.fatal(dropped, SqlState.TOO_MANY_CONNECTIONS,
                    "too many connections logging in at once (max_logins_in_progress)"));
        }
        channel.closeFuture().addListener(closed -> {
            context.admission().closed(channel);
            String reason = channel.attr(ClientErrors.CLOSE_REASON).get();
            if ((reason != null || context.config().logConnections()) && LOG.isInfoEnabled()) {
                // Concatenated, not SLF4J's {} placeholders: their formatter regrows its buffer on every line.
                ClientLogFields.of(LOG.atInfo(), channel).log("client " + channel.remoteAddress() + " disconnected: "
                        + (reason == null ? "client closed the connection" : reason));
            }
        });
    }

    private static void addStartupHandlers(Channel channel, FrontendContext context) {
        MessageFrameDecoder decoder = new MessageFrameDecoder(MessageFrameDecoder.State.STARTUP,
                context.config().maxMessageSize());
        channel.pipeline().addLast("framer", decoder);
        channel.pipeline().addLast("startup", new ClientStartupHandler(context, decoder));
    }
}
