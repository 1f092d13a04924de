package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import java.util.concurrent.ScheduledFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.config.ClientTlsMode;
import io.pgferry.admin.AdminConsole;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.UserConfig;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.ProtocolViolation;
import io.pgferry.protocol.SqlState;
import io.pgferry.protocol.StartupCode;
import io.pgferry.protocol.StartupMessage;
import java.util.concurrent.TimeUnit;

/**
 * The first phase of a client connection (protocol section "Start-up"): answers SSLRequest (starting TLS when
 * configured) and GSSENCRequest, routes a CancelRequest, and checks the StartupMessage before handing over to
 * {@link ClientAuthHandler}, or straight to {@link ClientLogin} for a trusted user. Runs on the client's event
 * loop; releases every message it reads.
 */
final class ClientStartupHandler extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<ScheduledFuture<?>> LOGIN_TIMER = AttributeKey.valueOf("pgferry.loginTimer");
    private final FrontendContext context;
    private final MessageFrameDecoder decoder;
    private boolean tlsNegotiated;

    ClientStartupHandler(FrontendContext context, MessageFrameDecoder decoder) {
        this.context = context;
        this.decoder = decoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // A WebSocket joins the PostgreSQL handlers after its upgrade: active already, it sees no channelActive.
        if (ClientTransport.of(ctx.channel()) == ClientTransport.WEBSOCKET) {
            startLoginTimer(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startLoginTimer(ctx);
        ctx.fireChannelActive();
    }

    private void startLoginTimer(ChannelHandlerContext ctx) {
        long timeout = context.config().clientLoginTimeout().toMillis();
        if (timeout > 0) {
            Channel channel = ctx.channel();
            // Cancelled once the client is ready, so an idle client keeps no timer (nor the handlers it would reach).
            channel.attr(LOGIN_TIMER).set(ctx.executor().schedule(
                    () -> ClientErrors.fatal(channel, SqlState.PROTOCOL_VIOLATION, "client_login_timeout"),
                    timeout, TimeUnit.MILLISECONDS));
        }
    }

    /** The client finished logging in (a session or the console is ready): client_login_timeout no longer applies. */
    static void loginDone(FrontendContext context, Channel channel) {
        context.admission().loggedIn(channel);
        ScheduledFuture<?> timer = channel.attr(LOGIN_TIMER).getAndSet(null);
        if (timer != null) {
            timer.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf message = (ByteBuf) msg;
        try {
            int code = StartupMessage.code(message);
            switch (code) {
                case StartupCode.SSL_REQUEST -> onSslRequest(ctx);
                case StartupCode.GSSENC_REQUEST -> ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'));
                case StartupCode.CANCEL_REQUEST -> onCancelRequest(ctx, message);
                default -> onStartupMessage(ctx, code, message);
            }
        } finally {
            message.release();
        }
    }

    private void onSslRequest(ChannelHandlerContext ctx) {
        SslContext tls = context.clientTls();
        if (decoder.bufferedBytes() > 0) {
            throw new ProtocolViolation("unencrypted data after SSLRequest");
        }
        if (tls == null || tlsNegotiated || ctx.pipeline().get(SslHandler.class) != null
                || ClientTransport.of(ctx.channel()) == ClientTransport.WEBSOCKET) {
            ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'));
            return;
        }
        tlsNegotiated = true;
        // startTls: the 'S' written next goes out in the clear, everything after it is encrypted.
        SslHandler handler = new SslHandler(tls.newEngine(ctx.alloc()), true, context.handshakeWorkers());
        ctx.pipeline().addFirst("tls", handler);
        ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('S'));
    }

    private void onCancelRequest(ChannelHandlerContext ctx, ByteBuf message) {
        if (message.readableBytes() != StartupCode.CANCEL_REQUEST_LENGTH) {
            // PostgreSQL ignores a malformed cancel: the connection just closes, with nothing to tell it.
            context.metrics().cancelRequest("unknown");
            ctx.close();
            return;
        }
        ClientHandle target = context.cancels().find(StartupMessage.cancelKey(message));
        context.metrics().cancelRequest(target == null ? "unknown" : target.cancel());
        ctx.close();
    }

    private void onStartupMessage(ChannelHandlerContext ctx, int version, ByteBuf message) {
        if (version >> 16 != 3) {
            ClientErrors.fatal(ctx.channel(), SqlState.FEATURE_NOT_SUPPORTED, "unsupported frontend protocol "
                    + (version >> 16) + "." + (version & 0xFFFF) + ": server supports 3.0 to 3.0");
            return;
        }
        ProxyConfig config = context.config();
        if (config.clientTls().mode() == ClientTlsMode.REQUIRE && ctx.pipeline().get(SslHandler.class) == null) {
            ClientErrors.fatal(ctx.channel(), SqlState.INVALID_AUTHORIZATION, "SSL required");
            return;
        }
        // Connections still logging in, this one included, do not count: they have their own bound (ClientAdmission).
        if (context.admission().loggedIn() >= config.maxClientConnections()) {
            ClientErrors.fatal(ctx.channel(), SqlState.TOO_MANY_CONNECTIONS,
                    "no more connections allowed (max_client_conn)");
            return;
        }
        StartupCache.Parsed parsed = context.startups().parse(message);
        if (parsed == null) {
            ClientErrors.fatal(ctx.channel(), SqlState.INVALID_AUTHORIZATION,
                    "no PostgreSQL user name specified in startup packet");
            return;
        }
        if ((version & 0xFFFF) > 0 || !parsed.unsupportedOptions().isEmpty()) {
            // pgferry speaks 3.0: newer clients (e.g. PostgreSQL 18 libpq asking for 3.2) fall back, as with PgBouncer.
            ctx.write(BackendMessages.negotiateProtocolVersion(ctx.alloc(), 0, parsed.unsupportedOptions()));
        }
        decoder.startAuthentication();
        ClientStartup startup = parsed.startup();
        ctx.channel().attr(ClientLogFields.STARTUP).set(startup);
        UserConfig configured = config.users().get(startup.user());
        if (configured == null && config.authQuery(startup.database()) != null
                && !AdminConsole.DATABASES.contains(startup.database())) {
            // auth_query: nothing more is read until PostgreSQL said what it holds for the user.
            ctx.channel().config().setAutoRead(false);
            context.authLookup().lookup(startup.database(), startup.user(), ctx.channel().eventLoop())
                    .whenCompleteAsync((found, error) -> {
                        ctx.channel().config().setAutoRead(true);
                        if (error != null) {
                            context.metrics().clientLogin(false);
                            ClientErrors.fatal(ctx.channel(), SqlState.CONNECTION_FAILURE, "auth_query failed: "
                                    + (error.getCause() != null ? error.getCause() : error).getMessage());
                        } else if (ctx.channel().isActive()) {
                            beginLogin(ctx, startup, found);
                        }
                    }, ctx.executor());
            return;
        }
        beginLogin(ctx, startup, configured);
    }

    /** The hba rules, then trust or the password exchange, for the user's entry ({@code null}: unknown). */
    private void beginLogin(ChannelHandlerContext ctx, ClientStartup startup, UserConfig user) {
        ClientLogin login = new ClientLogin(context, ctx.channel(), startup, user);
        String refusal = login.refusal();
        if (refusal != null) {
            context.metrics().clientLogin(false);
            ClientErrors.fatal(ctx.channel(), SqlState.INVALID_AUTHORIZATION, refusal);
            return;
        }
        if (login.trusted()) {
            // No exchange to run, so no handler to add and remove again.
            login.succeed(ctx, this);
        } else {
            ctx.pipeline().replace(this, "auth", new ClientAuthHandler(context, login));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ClientErrors.onException(ctx.channel(), cause);
    }
}
