package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A statement that servers share between clients, after DDL changed its result type (issue 22.11): the server
 * answers 0A000 "cached plan must not change result type"; pgjdbc with autosave=conservative re-prepares and
 * retries, and that must reach a fresh plan, on every server and for every client, as it does on a direct
 * connection.
 */
@ExtendWith(PostgresExtension.class)
class StalePlansIT {
    private static final int CLIENTS = 4;

    @ParameterizedTest
    @ValueSource(ints = {1, 4})
    void aRepreparedStatementSeesTheNewColumn(int servers, PostgresServer server) throws Exception {
        String table = "stale_plan_" + servers;
        String hocon = "pgferry.pool { mode = transaction, size = " + servers + " }";
        try (TestProxy proxy = TestProxy.start(server, hocon); Connection admin = proxy.connectApp();
             Statement ddl = admin.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS " + table);
            ddl.execute("CREATE TABLE " + table + " (a int)");
            ddl.execute("INSERT INTO " + table + " VALUES (1)");
            List<Connection> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Connection client = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                            "prepareThreshold=1&autosave=conservative");
                    client.setAutoCommit(false);
                    clients.add(client);
                }
                for (int round = 0; round < 3; round++) {
                    for (Connection client : clients) {
                        assertEquals(1, columnsOf(client, table), "before the DDL");
                    }
                }
                ddl.execute("ALTER TABLE " + table + " ADD COLUMN b int DEFAULT 7");
                for (int round = 0; round < 3; round++) {
                    for (Connection client : clients) {
                        assertEquals(2, columnsOf(client, table), "after the DDL, round " + round);
                    }
                }
                // A client that cannot heal (no autosave) must not be handed a stale copy by any server.
                try (Connection fresh = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                        "prepareThreshold=1&autosave=never")) {
                    fresh.setAutoCommit(false);
                    for (int i = 0; i < 2 * servers + 2; i++) {
                        assertEquals(2, columnsOf(fresh, table), "a new client, execution " + i);
                    }
                }
            } finally {
                for (Connection client : clients) {
                    client.close();
                }
            }
        }
    }

    /** Runs the shared statement in a transaction of its own and returns how many columns its row has. */
    private static int columnsOf(Connection client, String table) throws SQLException {
        try (PreparedStatement statement = client.prepareStatement("SELECT * FROM " + table);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            int columns = rows.getMetaData().getColumnCount();
            client.commit();
            return columns;
        }
    }
}
