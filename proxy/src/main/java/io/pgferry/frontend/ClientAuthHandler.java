package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.auth.AuthenticationFailure;
import io.pgferry.auth.ChannelBinding;
import io.pgferry.auth.ScramServerExchange;
import io.pgferry.config.UserConfig;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.ProtocolViolation;
import io.pgferry.protocol.SqlState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Authenticates a client by a password exchange (scram-sha-256, md5 or password); trusted users never meet it
 * (see {@link ClientLogin#trusted()}). Unknown users and wrong passwords end alike, with 28P01, after a full
 * exchange, so user names cannot be probed. Checking a cleartext password against a SCRAM verifier needs PBKDF2,
 * which runs on the key-derivation workers. Runs on the client's event loop; releases every message it reads.
 */
final class ClientAuthHandler extends ChannelInboundHandlerAdapter {
    private enum Step { SASL_INITIAL, SASL_FINAL, MD5_RESPONSE, CLEARTEXT, VERIFYING }

    private final FrontendContext context;
    private final ClientLogin login;
    private final UserConfig user;
    private Step step;
    private ScramServerExchange scram;
    private byte[] md5Salt;

    ClientAuthHandler(FrontendContext context, ClientLogin login) {
        this.context = context;
        this.login = login;
        this.user = login.user();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        switch (login.method()) {
            // A trusted user never gets here; an unknown one under trust gets the mock exchange, as for SCRAM.
            case TRUST, SCRAM_SHA_256 -> startScram(ctx);
            case MD5 -> {
                md5Salt = new byte[4];
                new SecureRandom().nextBytes(md5Salt);
                step = Step.MD5_RESPONSE;
                ctx.writeAndFlush(BackendMessages.authenticationMd5Password(ctx.alloc(), md5Salt));
            }
            case PASSWORD -> {
                step = Step.CLEARTEXT;
                ctx.writeAndFlush(BackendMessages.authenticationCleartextPassword(ctx.alloc()));
            }
        }
    }

    private void startScram(ChannelHandlerContext ctx) {
        byte[] binding = channelBinding(ctx);
        scram = user != null && user.scram() != null ? ScramServerExchange.forSecret(user.scram(), binding)
                : ScramServerExchange.mock(login.userName(), context.mockScramSecret(), binding);
        step = Step.SASL_INITIAL;
        ctx.writeAndFlush(BackendMessages.authenticationSasl(ctx.alloc(), scram.mechanisms()));
    }

    /** Over TLS, the hash of the certificate pgferry presented: SCRAM-SHA-256-PLUS can bind to it. */
    private static byte[] channelBinding(ChannelHandlerContext ctx) {
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            Certificate[] presented = tls.engine().getSession().getLocalCertificates();
            return presented != null && presented.length > 0 && presented[0] instanceof X509Certificate certificate
                    ? ChannelBinding.tlsServerEndPoint(certificate) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf message = (ByteBuf) msg;
        try {
            if (Messages.type(message) != FrontendTag.PASSWORD || step == Step.VERIFYING) {
                throw new ProtocolViolation("expected a password response, got message type '"
                        + (char) Messages.type(message) + "'");
            }
            int body = message.readerIndex() + Messages.BODY;
            switch (step) {
                case SASL_INITIAL -> onSaslInitial(ctx, message, body);
                case SASL_FINAL -> onSaslFinal(ctx, message.toString(body, message.writerIndex() - body,
                        StandardCharsets.UTF_8));
                case MD5_RESPONSE -> onMd5(ctx, Messages.cString(message, body));
                case CLEARTEXT -> onCleartext(ctx, Messages.cString(message, body));
                default -> throw new IllegalStateException("unexpected step " + step);
            }
        } catch (AuthenticationFailure | IllegalArgumentException e) {
            reject(ctx);
        } finally {
            message.release();
        }
    }

    private void onSaslInitial(ChannelHandlerContext ctx, ByteBuf message, int body) {
        String mechanism = Messages.cString(message, body);
        int lengthAt = Messages.skipCString(message, body);
        if (!scram.mechanisms().contains(mechanism) || lengthAt + 4 > message.writerIndex()) {
            throw new AuthenticationFailure("unsupported SASL mechanism " + mechanism);
        }
        int length = message.getInt(lengthAt);
        // Compared with what is left rather than added to an index: a length near 2^31 must not wrap around.
        if (length < 0 || length != message.writerIndex() - (lengthAt + 4)) {
            throw new ProtocolViolation("invalid SASLInitialResponse length " + length);
        }
        String clientFirst = message.toString(lengthAt + 4, length, StandardCharsets.UTF_8);
        step = Step.SASL_FINAL;
        ctx.writeAndFlush(BackendMessages.authenticationSaslContinue(ctx.alloc(),
                scram.serverFirst(mechanism, clientFirst)));
    }

    private void onSaslFinal(ChannelHandlerContext ctx, String clientFinal) {
        Optional<String> serverFinal = scram.serverFinal(clientFinal);
        if (serverFinal.isEmpty()) {
            reject(ctx);
            return;
        }
        ctx.write(BackendMessages.authenticationSaslFinal(ctx.alloc(), serverFinal.get()));
        if (user != null && user.plainPassword() == null) {
            context.shared().passThroughKeys().remember(user.scram(), scram.revealedKeys());
        }
        succeed(ctx);
    }

    private void onMd5(ChannelHandlerContext ctx, String response) {
        if (user == null || user.md5() == null) {
            reject(ctx);
            return;
        }
        String expected = io.pgferry.auth.Md5Password.response(user.md5(), md5Salt);
        if (MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), response.getBytes(StandardCharsets.US_ASCII))) {
            succeed(ctx);
        } else {
            reject(ctx);
        }
    }

    private void onCleartext(ChannelHandlerContext ctx, String password) {
        step = Step.VERIFYING;
        // A client may have sent its first query with the password; it waits, unframed, for the outcome.
        ctx.pipeline().get(MessageFrameDecoder.class).hold();
        context.shared().passwordCheck().matches(login.userName(), user == null ? null : user.scram(),
                user == null ? null : user.md5(), password).whenCompleteAsync((ok, error) -> {
            if (Boolean.TRUE.equals(ok)) {
                succeed(ctx);
            } else {
                reject(ctx);
            }
        }, ctx.executor());
    }

    private void succeed(ChannelHandlerContext ctx) {
        login.succeed(ctx, this);
    }

    private void reject(ChannelHandlerContext ctx) {
        context.metrics().clientLogin(false);
        String message = "password authentication failed for user \"" + login.userName() + "\"";
        long delay = context.config().authFailureDelay().toMillis();
        if (delay == 0) {
            ClientErrors.fatal(ctx.channel(), SqlState.INVALID_PASSWORD, message);
            return;
        }
        // auth-failure-delay: a timer answers later; the client's further bytes wait unread meanwhile.
        step = Step.VERIFYING;
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> ClientErrors.fatal(ctx.channel(), SqlState.INVALID_PASSWORD, message), delay,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ClientErrors.onException(ctx.channel(), cause);
    }
}
