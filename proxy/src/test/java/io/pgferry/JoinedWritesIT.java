package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.util.ResourceLeakDetector;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Traffic with Netty's leak detection off, as in production: messages read back to back are then joined into one
 * write in each direction. The other tests run with paranoid detection, whose wrapped buffers are written one by
 * one, so this class is what covers the joined path end to end.
 */
@ExtendWith(PostgresExtension.class)
class JoinedWritesIT {
    private static ResourceLeakDetector.Level testLevel;
    private static TestProxy proxy;

    @BeforeAll
    static void start(PostgresServer postgres) {
        testLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        proxy = TestProxy.start(postgres, "pgferry.pool { mode = transaction, size = 4 }");
    }

    @AfterAll
    static void stop() {
        proxy.close();
        ResourceLeakDetector.setLevel(testLevel);
    }

    @Test
    void pgbenchInEveryProtocolMode() throws Exception {
        ClientTools.assertPgbenchRunsClean(proxy.appUrl(), 16, 2, List.of("simple", "extended", "prepared"),
                ClientTools.SELECT_ONLY_AND_TPCB);
    }

    /** Replies are written without Nagle's delay: every accepted client socket has TCP_NODELAY on. */
    @Test
    void clientSocketsSendWithoutDelay() throws SQLException {
        try (Connection connection = proxy.connectApp()) {
            assertTrue(connection.isValid(5));
            assertFalse(proxy.proxy().context().clientChannels().isEmpty());
            for (Channel client : proxy.proxy().context().clientChannels()) {
                assertEquals(Boolean.TRUE, client.config().getOption(ChannelOption.TCP_NODELAY), client.toString());
            }
        }
    }

    /** Results larger than one read, so runs end at read boundaries and start again in the next buffer. */
    @Test
    void largeResultsArriveWholeAndInOrder() throws SQLException {
        try (Connection connection = proxy.connectApp();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT n, repeat(chr(65 + n % 26), n % 300) FROM generate_series(1, ?) AS n")) {
            select.setInt(1, 20_000);
            int rows = 0;
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows++;
                    assertEquals(rows, result.getInt(1));
                    assertEquals(String.valueOf((char) (65 + rows % 26)).repeat(rows % 300), result.getString(2));
                }
            }
            assertEquals(20_000, rows);
        }
    }

    /** DataRows then an ErrorResponse in one reply: the rows before the error reach the client, then the error. */
    @Test
    void anErrorAfterRowsEndsTheRunAndTheNextQueryWorks() throws SQLException {
        try (Connection connection = proxy.connectApp(); Statement statement = connection.createStatement()) {
            SQLException division = assertThrows(SQLException.class,
                    () -> statement.executeQuery("SELECT 1 / (500 - n) FROM generate_series(1, 1000) AS n"));
            assertEquals("22012", division.getSQLState());
            try (ResultSet result = statement.executeQuery("SELECT count(*) FROM generate_series(1, 1000)")) {
                assertTrue(result.next());
                assertEquals(1000, result.getInt(1));
            }
        }
    }
}
