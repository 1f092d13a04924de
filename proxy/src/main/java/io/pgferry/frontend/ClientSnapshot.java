package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.backend.ServerConnection;
import io.pgferry.context.ClientInfo;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Builds the admin console's view of one client session (SHOW CLIENTS) from what the session holds. */
final class ClientSnapshot {
    private ClientSnapshot() {
    }

    /** An address as SHOW CLIENTS gives it: the IP, or "unix" for a Unix-domain socket, as PgBouncer. */
    private static String host(SocketAddress address) {
        return address instanceof InetSocketAddress ip ? ip.getAddress().getHostAddress() : address == null ? "" : "unix";
    }

    private static int port(SocketAddress address) {
        return address instanceof InetSocketAddress ip ? ip.getPort() : 0;
    }

    /** A session's snapshot; {@code activeLink} may be null, {@code waitingSinceNanos} 0 when not waiting. */
    static ClientInfo of(long id, ClientStartup startup, Channel channel, SessionState sessionState,
                         ServerConnection activeLink, long waitingSinceNanos, long connectedAtMillis,
                         long lastRequestMillis, String applicationName, int preparedStatements) {
        // A client being greeted shows what it is doing for that: waiting for a server or holding one.
        String state = sessionState != SessionState.LOGGING_IN ? sessionState.label()
                : activeLink != null ? "active" : waitingSinceNanos != 0 ? "waiting" : "idle";
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        return new ClientInfo(id, startup.user(), startup.database(), state,
                host(channel.remoteAddress()), port(channel.remoteAddress()),
                host(channel.localAddress()), port(channel.localAddress()),
                connectedAtMillis, lastRequestMillis,
                waitingSinceNanos == 0 ? 0 : (System.nanoTime() - waitingSinceNanos) / 1000,
                activeLink == null ? 0 : activeLink.processId(),
                tls == null ? "" : tls.engine().getSession().getProtocol(),
                applicationName != null ? applicationName : startup.sessionParameters().getOrDefault("application_name", ""),
                preparedStatements);
    }
}
