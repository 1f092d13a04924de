package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The fields a client's log lines carry besides their text, for JSON logs (logback's JsonEncoder writes them as
 * key-value pairs): the client's address, its user and database once its startup packet was read, and the SQLSTATE
 * of the error that ended it.
 */
final class ClientLogFields {
    static final AttributeKey<ClientStartup> STARTUP = AttributeKey.valueOf("pgferry.startup");
    static final AttributeKey<String> SQLSTATE = AttributeKey.valueOf("pgferry.closeSqlState");

    private ClientLogFields() {
    }

    static LoggingEventBuilder of(LoggingEventBuilder event, Channel channel) {
        event.addKeyValue("client", String.valueOf(channel.remoteAddress()));
        ClientStartup startup = channel.attr(STARTUP).get();
        if (startup != null) {
            event.addKeyValue("user", startup.user()).addKeyValue("database", startup.database());
        }
        String sqlState = channel.attr(SQLSTATE).get();
        if (sqlState != null) {
            event.addKeyValue("sqlstate", sqlState);
        }
        return event;
    }
}
