package io.pgferry.context;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/** Binds pgferry's listeners, turning a failure into one line an operator can act on. */
public final class Listening {
    /** A listener could not bind: "cannot listen on 127.0.0.1:6432: address already in use". */
    public static final class ListenFailure extends RuntimeException {
        ListenFailure(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private Listening() {
    }

    /** Binds {@code bootstrap} to {@code address} and waits; throws {@link ListenFailure} if it cannot. */
    public static Channel bind(AbstractBootstrap<?, ?> bootstrap, InetSocketAddress address) {
        return bind(bootstrap, address, address.getHostString() + ":" + address.getPort());
    }

    /** Binds a Unix-domain socket listener to the socket file {@code path}. */
    public static Channel bind(AbstractBootstrap<?, ?> bootstrap, Path path) {
        return bind(bootstrap, new DomainSocketAddress(path.toFile()), path.toString());
    }

    private static Channel bind(AbstractBootstrap<?, ?> bootstrap, SocketAddress address, String shown) {
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (bound.isSuccess()) {
            return bound.channel();
        }
        Throwable cause = bound.cause();
        // Transports word it "bind(..) failed with error(-98): Address already in use"; the reason is the end.
        String message = String.valueOf(cause.getMessage());
        String reason = message.substring(message.lastIndexOf(": ") + 1).strip().toLowerCase(Locale.ROOT);
        throw new ListenFailure("cannot listen on " + shown + ": " + reason, cause);
    }
}
