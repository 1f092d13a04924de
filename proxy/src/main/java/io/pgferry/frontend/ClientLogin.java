package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.admin.AdminConsole;
import io.pgferry.admin.AdminSessionHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.pgferry.config.AuthMethod;
import io.pgferry.config.HbaRules;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.UserConfig;
import io.pgferry.pool.Route;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.SqlState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
    private final AuthMethod hbaMethod;

    ClientLogin(FrontendContext context, Channel channel, ClientStartup startup, UserConfig user) {
        this.context = context;
        this.channel = channel;
        this.startup = startup;
        this.user = user;
        this.hbaMethod = hbaMethod();
    }

    /**
     * The method this client must authenticate with; an unknown user gets the default one. Where the password
     * travels encrypted anyway (a WebSocket, behind WSS; TLS with {@code tls.pipelined-login}) a password is asked
     * for in cleartext instead of a SCRAM or MD5 exchange, so a client that pipelines it logs in without waiting.
     */
    AuthMethod method() {
        AuthMethod configured = hbaMethod != null ? hbaMethod
                : user != null ? user.authMethod() : context.config().defaultAuthMethod();
        return configured != AuthMethod.TRUST && passwordMayBePipelined() ? AuthMethod.PASSWORD : configured;
    }

    /**
     * The hba rules' refusal of this client, as PostgreSQL words it ({@code null}: no hba file, or a rule lets it
     * try): no rule matched, or the first that did says reject.
     */
    String refusal() {
        HbaRules hba = context.config().hba();
        if (hba == null || hbaMethod != null) {
            return null;
        }
        String who = "host \"" + clientHost() + "\", user \"" + startup.user() + "\", database \""
                + startup.database() + "\", " + (connection() == HbaRules.Connection.HOST_SSL ? "SSL on" : "SSL off");
        return hba.anyMatches(connection(), clientAddress(), startup.database(), startup.user())
                ? "pg_hba.conf rejects connection for " + who : "no pg_hba.conf entry for " + who;
    }

    /** The method the first matching hba rule gives, or {@code null} (no hba file, or a refusal). */
    private AuthMethod hbaMethod() {
        HbaRules hba = context.config().hba();
        if (hba == null) {
            return null;
        }
        return switch (hba.decide(connection(), clientAddress(), startup.database(), startup.user())) {
            case TRUST -> AuthMethod.TRUST;
            case REJECT -> null;
            case PASSWORD -> AuthMethod.PASSWORD;
            // As PostgreSQL: md5 runs SCRAM for a user whose password is stored only as a SCRAM verifier.
            case MD5 -> user != null && user.md5() == null && user.scram() != null ? AuthMethod.SCRAM_SHA_256
                    : AuthMethod.MD5;
            case SCRAM_SHA_256 -> AuthMethod.SCRAM_SHA_256;
        };
    }

    private HbaRules.Connection connection() {
        if (channel.remoteAddress() instanceof DomainSocketAddress) {
            return HbaRules.Connection.LOCAL;
        }
        return channel.pipeline().get(SslHandler.class) != null ? HbaRules.Connection.HOST_SSL
                : HbaRules.Connection.HOST_NO_SSL;
    }

    private InetAddress clientAddress() {
        return channel.remoteAddress() instanceof InetSocketAddress ip ? ip.getAddress() : null;
    }

    private String clientHost() {
        InetAddress address = clientAddress();
        return address == null ? "[local]" : address.getHostAddress();
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
        Route route = context.pools().route(startup.database(), startup.user(), user);
        if (route instanceof Route.Refused refused) {
            ClientErrors.fatal(ctx.channel(), refused.sqlState(), refused.message());
            return;
        }
        Route.ToPool joined = (Route.ToPool) route;
        ctx.write(BackendMessages.authenticationOk(ctx.alloc()));
        ctx.pipeline().replace(current, "session", new ClientSession(context, startup, joined.mode(), joined.pool()));
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
