package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * What carries a client's PostgreSQL bytes: a TCP connection on the PostgreSQL port, or binary WebSocket frames on
 * the edge listener (already encrypted by WSS, so no SSLRequest, and a cleartext password may be asked for).
 */
public enum ClientTransport {
    TCP, WEBSOCKET;

    private static final AttributeKey<ClientTransport> KEY = AttributeKey.valueOf("pgferry.transport");

    static ClientTransport of(Channel channel) {
        ClientTransport transport = channel.attr(KEY).get();
        return transport == null ? TCP : transport;
    }

    void mark(Channel channel) {
        channel.attr(KEY).set(this);
    }
}
