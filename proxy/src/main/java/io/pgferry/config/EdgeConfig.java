package io.pgferry.config;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The edge listener for clients that reach pgferry over the internet: Neon-compatible {@code POST /sql} and
 * PostgreSQL over WebSocket.
 *
 * @param listen                where it listens, or {@code null} (off)
 * @param websocketPasswordAuth ask WebSocket clients for a cleartext password (so a pipelined login works)
 * @param maxRequestBytes       largest SQL request body; larger ones get 413
 * @param maxResponseBytes      largest SQL response; larger ones get 507
 * @param requestTimeout        a request whose body has not arrived within this gets 408
 * @param idleTimeout           a kept-alive HTTP connection idle this long is closed
 */
public record EdgeConfig(InetSocketAddress listen, boolean websocketPasswordAuth, int maxRequestBytes,
                         long maxResponseBytes, Duration requestTimeout, Duration idleTimeout) {
}
