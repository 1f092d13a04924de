package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads when a server connection ends: a WARN with the server's FATAL message when the server
 * ended it (pg_terminate_backend), an INFO saying why when pgferry did (its own shutdown), never a bare "server
 * closed the connection" for pgferry's own doing (issue 26, item 4).
 */
@ExtendWith(PostgresExtension.class)
class ServerLogLinesIT {

    @Test
    void serverEndedLinksWarnWithTheReasonAndPgferrysOwnClosesSaySo(PostgresServer server) throws Exception {
        Logger links = (Logger) LoggerFactory.getLogger("io.pgferry.backend.ServerLinkHandler");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        links.addAppender(logged);
        try {
            TestProxy proxy = TestProxy.start(server, "");
            try (Connection client = proxy.connectApp()) {
                String pid = SessionPoolingIT.single(client, "SELECT pg_backend_pid()");
                try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD,
                        "app")) {
                    SessionPoolingIT.single(admin, "SELECT pg_terminate_backend(" + pid + ")");
                }
                TestProxy.awaitTrue(() -> has(logged, Level.WARN, "pid " + pid + " disconnected: server closed the "
                        + "connection after FATAL 57P01: terminating connection due to administrator command"),
                        "a WARN with the server's reason");
            }
            try (Connection client = proxy.connectApp()) {
                SessionPoolingIT.single(client, "SELECT 1");
            }
            proxy.close();
            assertTrue(has(logged, Level.INFO, "closed by pgferry: pgferry is shutting down"), String.valueOf(
                    logged.list));
            assertTrue(logged.list.stream().noneMatch(event -> event.getLevel() == Level.WARN
                    && event.getFormattedMessage().contains("shutting down")));
        } finally {
            links.detachAppender(logged);
        }
    }

    private static boolean has(ListAppender<ILoggingEvent> logged, Level level, String text) {
        return logged.list.stream().anyMatch(event -> event.getLevel() == level
                && event.getFormattedMessage().contains(text));
    }
}
