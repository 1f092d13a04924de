package io.pgferry.frontend;

import io.netty.channel.ChannelInitializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.channel.socket.SocketChannel;
import io.pgferry.protocol.MessageFrameDecoder;

/** Sets up a new client connection: framing in startup mode, then the startup handler; counts open clients. */
public final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientChannelInitializer.class);
    private final FrontendContext context;

    public ClientChannelInitializer(FrontendContext context) {
        this.context = context;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        context.clientChannels().add(channel);
        channel.attr(ClientErrors.METRICS).set(context.metrics());
        channel.closeFuture().addListener(closed -> {
            String reason = channel.attr(ClientErrors.CLOSE_REASON).get();
            if ((reason != null || context.config().logConnections()) && LOG.isInfoEnabled()) {
                // Concatenated, not SLF4J's {} placeholders: their formatter regrows its buffer on every line.
                LOG.info("client " + channel.remoteAddress() + " disconnected: "
                        + (reason == null ? "client closed the connection" : reason));
            }
        });
        MessageFrameDecoder decoder = new MessageFrameDecoder(MessageFrameDecoder.State.STARTUP,
                context.config().maxMessageSize());
        channel.pipeline().addLast("framer", decoder);
        channel.pipeline().addLast("startup", new ClientStartupHandler(context, decoder));
    }
}
