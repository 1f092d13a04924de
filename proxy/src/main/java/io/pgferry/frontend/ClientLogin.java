package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.admin.AdminConsole;
import io.pgferry.admin.AdminSessionHandler;
import io.pgferry.config.AuthMethod;
import io.pgferry.config.HbaRules;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.UserConfig;
import io.pgferry.pool.Route;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authenticated client's way in: the pool layer routes it ({@link io.pgferry.pool.Pools#route}), and the
 * channel goes to a {@link ClientSession} or, for the virtual databases, to the admin console. Runs on the
 * client's event loop.
 */
final class ClientLogin {
    private static final Logger LOG = LoggerFactory.getLogger(ClientLogin.class);

    private final FrontendContext context;
    private final Channel channel;
    private final ClientStartup startup;
    private final UserConfig user;
    /** What the hba rules say of this client; {@code null} without an hba file. */
    private final HbaVerdict hba;

    ClientLogin(FrontendContext context, Channel channel, ClientStartup startup, UserConfig user) {
        this.context = context;
        this.channel = channel;
        this.startup = startup;
        this.user = user;
        HbaRules rules = context.config().hba();
        this.hba = rules == null ? null : HbaVerdict.of(rules, channel, startup, user);
    }

    /**
     * The method this client must authenticate with; an unknown user gets the default one. Where the password
     * travels encrypted anyway (a WebSocket, behind WSS; TLS with {@code tls.pipelined-login}) a password is asked
     * for in cleartext instead of a SCRAM or MD5 exchange, so a client that pipelines it logs in without waiting.
     */
    AuthMethod method() {
        AuthMethod configured = hba != null && hba.method() != null ? hba.method()
                : user != null ? user.authMethod() : context.config().defaultAuthMethod();
        return configured != AuthMethod.TRUST && passwordMayBePipelined() ? AuthMethod.PASSWORD : configured;
    }

    /** The hba rules' refusal of this client ({@code null}: no hba file, or a rule lets it try). */
    String refusal() {
        return hba == null ? null : hba.refusal();
    }

    private boolean passwordMayBePipelined() {
        ProxyConfig config = context.config();
        if (ClientTransport.of(channel) == ClientTransport.WEBSOCKET) {
            return config.edge().websocketPasswordAuth();
        }
        return config.clientTls().pipelinedLogin() && channel.pipeline().get(SslHandler.class) != null;
    }

    /** True if the client is in without a password exchange: a configured user whose method is trust. */
    boolean trusted() {
        return user != null && method() == AuthMethod.TRUST;
    }

    UserConfig user() {
        return user;
    }

    String userName() {
        return startup.user();
    }

    /** Authentication succeeded: replaces {@code current} in the pipeline with what serves the client from now. */
    void succeed(ChannelHandlerContext ctx, ChannelHandler current) {
        context.metrics().clientLogin(true);
        if (context.config().logConnections() && LOG.isInfoEnabled()) {
            // Concatenated, as ClientChannelInitializer's line: two lines per connection under connect-per-request.
            ClientLogFields.of(LOG.atInfo(), ctx.channel()).log("client " + ctx.channel().remoteAddress()
                    + " logged in: user " + startup.user() + " database " + startup.database()
                    + (ctx.pipeline().get(SslHandler.class) != null ? " over TLS" : ""));
        }
        if (AdminConsole.DATABASES.contains(startup.database())) {
            openConsole(ctx, current);
            return;
        }
        Route route = context.pools().route(startup.database(), startup.user(), user, true);
        if (route instanceof Route.Refused refused) {
            ClientErrors.fatal(ctx.channel(), refused.sqlState(), refused.message());
            return;
        }
        Route.ToPool joined = (Route.ToPool) route;
        ctx.write(BackendMessages.authenticationOk(ctx.alloc()));
        ctx.pipeline().replace(current, "session", new ClientSession(context, startup, joined));
    }

    /** Admin users may run every command; stats users only SHOW. */
    private void openConsole(ChannelHandlerContext ctx, ChannelHandler current) {
        ProxyConfig config = context.config();
        boolean admin = config.adminUsers().contains(startup.user());
        if (!admin && !config.statsUsers().contains(startup.user())) {
            ClientErrors.fatal(ctx.channel(), SqlState.INVALID_AUTHORIZATION, "not allowed");
            return;
        }
        ClientStartupHandler.loginDone(context, ctx.channel());
        MessageFrameDecoder decoder = ctx.pipeline().get(MessageFrameDecoder.class);
        decoder.startFrontendMessages();
        ctx.write(BackendMessages.authenticationOk(ctx.alloc()));
        ctx.pipeline().replace(current, "admin", new AdminSessionHandler(new AdminConsole(context.shared(), admin)));
        try {
            decoder.frameHeldBytes(ctx.pipeline().context(decoder));
        } catch (Exception e) {
            ClientErrors.onException(ctx.channel(), e);
        }
    }
}
