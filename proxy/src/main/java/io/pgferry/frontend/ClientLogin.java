package io.pgferry.frontend;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.admin.AdminConsole;
import io.pgferry.admin.AdminSessionHandler;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.AuthMethod;
import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.PoolMode;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.UserConfig;
import io.pgferry.pool.AutoPoolsExhausted;
import io.pgferry.pool.PoolKey;
import io.pgferry.pool.ServerPool;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An authenticated client's way in: checks the database it named, finds its pool, and hands the channel to a
 * {@link ClientSession} or, for the virtual databases, to the admin console. Runs on the client's event loop.
 */
final class ClientLogin {
    private static final Logger LOG = LoggerFactory.getLogger(ClientLogin.class);

    private final FrontendContext context;
    private final ClientStartup startup;
    private final UserConfig user;

    ClientLogin(FrontendContext context, ClientStartup startup, UserConfig user) {
        this.context = context;
        this.startup = startup;
        this.user = user;
    }

    /** The method this client must authenticate with; an unknown user gets the default one. */
    AuthMethod method() {
        return user != null ? user.authMethod() : context.config().defaultAuthMethod();
    }

    /** True if the client is in without a password exchange: a configured user whose method is trust. */
    boolean trusted() {
        return user != null && user.authMethod() == AuthMethod.TRUST;
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
            LOG.info("client " + ctx.channel().remoteAddress() + " logged in: user " + startup.user() + " database "
                    + startup.database() + (ctx.pipeline().get(SslHandler.class) != null ? " over TLS" : ""));
        }
        if (AdminConsole.DATABASES.contains(startup.database())) {
            openConsole(ctx, current);
            return;
        }
        DatabaseConfig database = context.config().database(startup.database());
        if (database == null) {
            ClientErrors.fatal(ctx.channel(), SqlState.INVALID_CATALOG_NAME,
                    "database \"" + startup.database() + "\" does not exist");
            return;
        }
        if (context.isDraining()) {
            ClientErrors.fatal(ctx.channel(), SqlState.ADMIN_SHUTDOWN, "pgferry is shutting down");
            return;
        }
        if (context.disabledDatabases().contains(startup.database())) {
            ClientErrors.fatal(ctx.channel(), SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "database \"" + startup.database() + "\" does not allow connections (DISABLE)");
            return;
        }
        String upstreamUser = database.upstream().user() != null ? database.upstream().user() : startup.user();
        String password = database.upstream().user() != null ? database.upstream().password()
                : user == null ? null : user.plainPassword();
        ServerConnector.Login login = new ServerConnector.Login(database.upstream(),
                database.upstreamDatabase(startup.database()), upstreamUser, password);
        ServerPool pool;
        try {
            pool = context.pools().join(new PoolKey(startup.database(), upstreamUser), login, database.pool());
        } catch (AutoPoolsExhausted e) {
            ClientErrors.fatal(ctx.channel(), SqlState.TOO_MANY_CONNECTIONS, e.getMessage());
            return;
        }
        PoolMode mode = user != null && user.poolMode() != null ? user.poolMode() : database.pool().mode();
        ctx.write(BackendMessages.authenticationOk(ctx.alloc()));
        ctx.pipeline().replace(current, "session", new ClientSession(context, startup, mode, pool));
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
        ctx.pipeline().get(MessageFrameDecoder.class).startFrontendMessages();
        ctx.write(BackendMessages.authenticationOk(ctx.alloc()));
        ctx.pipeline().replace(current, "admin", new AdminSessionHandler(new AdminConsole(context, admin)));
    }
}
