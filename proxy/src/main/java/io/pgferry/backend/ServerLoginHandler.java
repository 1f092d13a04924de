package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.auth.AuthenticationFailure;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.auth.Md5Password;
import io.pgferry.auth.ScramClientExchange;
import io.pgferry.auth.ScramKeys;
import io.pgferry.auth.ScramServerExchange;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ErrorFields;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.ParameterStatus;
import io.pgferry.protocol.SqlState;
import io.pgferry.tls.UpstreamTls;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Logs a new server link in: optional SSLRequest and TLS handshake (SNI set to the upstream host name, which
 * Neon routes by), StartupMessage, then cleartext, MD5 or SCRAM-SHA-256 authentication, collecting
 * ParameterStatus and BackendKeyData until the first ReadyForQuery. Then it replaces itself with
 * {@link ServerLinkHandler} and completes the future. Runs on the link's event loop; SCRAM's PBKDF2 runs on
 * {@link KeyDerivation}'s workers.
 */
final class ServerLoginHandler extends ChannelInboundHandlerAdapter {
    private final ServerConnector.Login login;
    private final UpstreamTls tls;
    private final KeyDerivation keyDerivation;
    private final CompletableFuture<ServerConnection> result;
    private final int maxPreparedStatements;
    private final Map<String, String> parameters = new HashMap<>();
    private boolean awaitingSslResponse;
    private ScramClientExchange scram;
    private int processId;
    private int secretKey;

    ServerLoginHandler(ServerConnector.Login login, UpstreamTls tls, KeyDerivation keyDerivation,
                       CompletableFuture<ServerConnection> result, int maxPreparedStatements) {
        this.login = login;
        this.maxPreparedStatements = maxPreparedStatements;
        this.tls = tls;
        this.keyDerivation = keyDerivation;
        this.result = result;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (tls != null) {
            awaitingSslResponse = true;
            ctx.writeAndFlush(FrontendMessages.sslRequest(ctx.alloc()));
        } else {
            sendStartup(ctx);
        }
    }

    private void sendStartup(ChannelHandlerContext ctx) {
        Map<String, String> startup = new LinkedHashMap<>();
        startup.put("user", login.user());
        startup.put("database", login.database());
        ctx.writeAndFlush(FrontendMessages.startupMessage(ctx.alloc(), startup));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf message = (ByteBuf) msg;
        try {
            if (awaitingSslResponse) {
                onSslResponse(ctx, message);
            } else {
                onMessage(ctx, message);
            }
        } catch (AuthenticationFailure | IllegalArgumentException e) {
            fail(ctx, SqlState.CONNECTION_FAILURE, "login to server failed: " + e.getMessage());
        } finally {
            message.release();
        }
    }

    private void onSslResponse(ChannelHandlerContext ctx, ByteBuf response) {
        awaitingSslResponse = false;
        byte answer = response.readByte();
        if (response.isReadable()) {
            fail(ctx, SqlState.PROTOCOL_VIOLATION, "server sent unencrypted data after its SSL response");
            return;
        }
        ctx.pipeline().addBefore(ctx.name(), null,
                new MessageFrameDecoder(MessageFrameDecoder.State.TYPED, ServerConnector.MAX_SERVER_MESSAGE_LENGTH));
        if (answer == 'S') {
            SslHandler handler = tls.newHandler(ctx.alloc());
            ctx.pipeline().addFirst(handler);
            handler.handshakeFuture().addListener(done -> {
                if (done.isSuccess()) {
                    sendStartup(ctx);
                } else {
                    fail(ctx, SqlState.CONNECTION_FAILURE, "TLS handshake with server failed: " + done.cause().getMessage());
                }
            });
        } else if (login.upstream().sslMode().requiresTls()) {
            fail(ctx, SqlState.CONNECTION_FAILURE, "server does not support SSL, but sslmode "
                    + login.upstream().sslMode().name().toLowerCase() + " requires it");
        } else {
            sendStartup(ctx);
        }
    }

    private void onMessage(ChannelHandlerContext ctx, ByteBuf message) {
        switch (Messages.type(message)) {
            case BackendTag.AUTHENTICATION -> onAuthentication(ctx, message);
            case BackendTag.PARAMETER_STATUS -> {
                ParameterStatus status = ParameterStatus.read(message);
                parameters.put(status.name(), status.value());
            }
            case BackendTag.BACKEND_KEY_DATA -> {
                processId = message.getInt(message.readerIndex() + Messages.BODY);
                secretKey = message.getInt(message.readerIndex() + Messages.BODY + 4);
            }
            case BackendTag.ERROR_RESPONSE -> {
                ErrorFields error = ErrorFields.read(message);
                fail(ctx, error.sqlState(), error.message());
            }
            case BackendTag.READY_FOR_QUERY -> loggedIn(ctx);
            default -> { }
        }
    }

    private void onAuthentication(ChannelHandlerContext ctx, ByteBuf message) {
        int code = Messages.authenticationCode(message);
        int dataAt = message.readerIndex() + Messages.BODY + 4;
        String data = message.toString(dataAt, message.writerIndex() - dataAt, StandardCharsets.UTF_8);
        switch (code) {
            case BackendTag.AUTH_OK -> { }
            case BackendTag.AUTH_CLEARTEXT_PASSWORD ->
                    ctx.writeAndFlush(FrontendMessages.passwordMessage(ctx.alloc(), password()));
            case BackendTag.AUTH_MD5_PASSWORD -> {
                byte[] salt = new byte[4];
                message.getBytes(dataAt, salt);
                String stored = Md5Password.stored(login.user(), password());
                ctx.writeAndFlush(FrontendMessages.passwordMessage(ctx.alloc(), Md5Password.response(stored, salt)));
            }
            case BackendTag.AUTH_SASL -> {
                if (!data.contains(ScramServerExchange.MECHANISM + "\0")) {
                    throw new AuthenticationFailure("server offers no SASL mechanism pgferry supports");
                }
                scram = login.password() != null ? new ScramClientExchange(login.password(), keyDerivation)
                        : new ScramClientExchange(passThroughKeys());
                ctx.writeAndFlush(FrontendMessages.saslInitialResponse(ctx.alloc(), ScramServerExchange.MECHANISM,
                        scram.clientFirst()));
            }
            case BackendTag.AUTH_SASL_CONTINUE -> scram.clientFinal(data).whenCompleteAsync((clientFinal, error) -> {
                if (error != null) {
                    fail(ctx, SqlState.CONNECTION_FAILURE, "SCRAM login to server failed: " + error.getMessage());
                } else if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(FrontendMessages.saslResponse(ctx.alloc(), clientFinal));
                }
            }, ctx.executor());
            case BackendTag.AUTH_SASL_FINAL -> {
                if (!scram.serverFinalValid(data)) {
                    throw new AuthenticationFailure("server's SCRAM signature is invalid");
                }
            }
            default -> throw new AuthenticationFailure("server asks for unsupported authentication method " + code);
        }
    }

    /** SCRAM pass-through: the keys a client of this user revealed, for a user pgferry knows by verifier only. */
    private ScramKeys passThroughKeys() {
        ScramKeys keys = login.passThrough().get();
        if (keys == null) {
            throw new AuthenticationFailure("server asks for a password but pgferry holds none for user "
                    + login.user() + " (its password is a SCRAM verifier: a client must log in with SCRAM first, "
                    + "or give upstream-password)");
        }
        return keys;
    }

    private String password() {
        if (login.password() == null) {
            throw new AuthenticationFailure("server asks for a password but pgferry holds none for user " + login.user());
        }
        return login.password();
    }

    private void loggedIn(ChannelHandlerContext ctx) {
        ServerConnection link = new ServerConnection(ctx.channel(), login.upstream(), parameters, processId, secretKey,
                maxPreparedStatements);
        // The link frames by itself: the framer goes, handing any bytes it holds on to the link's handler.
        ctx.pipeline().replace(this, "server-link", new ServerLinkHandler(link, ctx.alloc()));
        ctx.pipeline().remove(MessageFrameDecoder.class);
        if (!result.complete(link)) {
            ctx.close();
        }
    }

    private void fail(ChannelHandlerContext ctx, String sqlState, String message) {
        result.completeExceptionally(new ServerLoginFailure(sqlState, message));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        result.completeExceptionally(new ServerLoginFailure(SqlState.CONNECTION_FAILURE,
                "server closed the connection during login"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, SqlState.CONNECTION_FAILURE, "login to server failed: " + cause.getMessage());
    }
}
