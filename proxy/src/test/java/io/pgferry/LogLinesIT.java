package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads when a server connection ends: a WARN with the server's FATAL message when the server
 * ended it (pg_terminate_backend), an INFO saying why when pgferry did (its own shutdown), never a bare "server
 * closed the connection" for pgferry's own doing; and client lines whose JSON form carries user, database, client
 * address and SQLSTATE as fields (issue 26, item 4).
 */
@ExtendWith(PostgresExtension.class)
class LogLinesIT {

    @Test
    void serverEndedLinksWarnWithTheReasonAndPgferrysOwnClosesSaySo(PostgresServer server) throws Exception {
        Logger links = (Logger) LoggerFactory.getLogger("io.pgferry.backend.ServerLinkHandler");
        ListAppender<ILoggingEvent> logged = capture(links);
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

    /** Collects what {@code logger} logs from now, until the test detaches it. */
    private static ListAppender<ILoggingEvent> capture(Logger logger) {
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        return logged;
    }

    private static boolean has(ListAppender<ILoggingEvent> logged, Level level, String text) {
        return logged.list.stream().anyMatch(event -> event.getLevel() == level
                && event.getFormattedMessage().contains(text));
    }

    @Test
    void clientLinesCarryUserDatabaseAddressAndSqlstateAsJsonFields(PostgresServer server) throws Exception {
        Logger clients = (Logger) LoggerFactory.getLogger("io.pgferry.frontend");
        ListAppender<ILoggingEvent> logged = capture(clients);
        try (TestProxy proxy = TestProxy.start(server, "")) {
            try (Connection client = proxy.connectApp()) {
                SessionPoolingIT.single(client, "SELECT 1");
            }
            org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                    () -> proxy.connect("app", TestProxy.APP_USER, "wrong", ""));
            TestProxy.awaitTrue(() -> json(logged, "28P01") != null, "the refused login's disconnect line");
            String refused = json(logged, "28P01");
            assertTrue(refused.contains("{\"user\":\"alice\"}") && refused.contains("{\"database\":\"app\"}")
                    && refused.contains("{\"client\":\"\\/127.0.0.1:"), refused);
            String login = json(logged, "logged in");
            assertTrue(login != null && login.contains("{\"user\":\"alice\"}"), String.valueOf(login));
        } finally {
            clients.detachAppender(logged);
        }
    }

    /** The JSON line (as logback-json.xml's encoder writes it) of the first event whose JSON contains {@code text}. */
    private static String json(ListAppender<ILoggingEvent> logged, String text) {
        ch.qos.logback.classic.encoder.JsonEncoder encoder = new ch.qos.logback.classic.encoder.JsonEncoder();
        encoder.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
        encoder.start();
        for (ILoggingEvent event : List.copyOf(logged.list)) {
            String line = new String(encoder.encode(event), java.nio.charset.StandardCharsets.UTF_8);
            if (line.contains(text)) {
                return line;
            }
        }
        return null;
    }
}
