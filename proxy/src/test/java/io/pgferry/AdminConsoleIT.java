package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin console as pgbouncer_exporter and runbooks read it: PgBouncer's column names, in order. */
@ExtendWith(PostgresExtension.class)
class AdminConsoleIT {
    private static final List<String> POOLS = List.of("database", "user", "cl_active", "cl_waiting",
            "cl_active_cancel_req", "cl_waiting_cancel_req", "sv_active", "sv_active_cancel", "sv_being_canceled",
            "sv_idle", "sv_used", "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode", "load_balance_hosts");
    private static final List<String> DATABASES = List.of("name", "host", "port", "database", "force_user", "pool_size",
            "min_pool_size", "reserve_pool_size", "server_lifetime", "pool_mode", "load_balance_hosts",
            "max_connections", "current_connections", "max_client_connections", "current_client_connections",
            "paused", "disabled");

    private static List<String> columns(ResultSetMetaData metaData) throws SQLException {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= metaData.getColumnCount(); i++) {
            names.add(metaData.getColumnName(i));
        }
        return names;
    }

    @Test
    void showPoolsAndDatabasesMatchPgBouncersColumns(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.admin-users = [alice]\npgferry.pool.size = 7");
             Connection app = proxy.connectApp();
             Connection admin = proxy.connect("pgbouncer", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                     "preferQueryMode=simple");
             Statement statement = admin.createStatement()) {
            assertEquals("1", SessionPoolingIT.single(app, "SELECT 1"));
            try (ResultSet pools = statement.executeQuery("SHOW POOLS")) {
                List<String> names = columns(pools.getMetaData());
                assertEquals(POOLS, names.subList(0, POOLS.size()), "PgBouncer's columns first, in order");
                assertTrue(pools.next());
                assertEquals("app", pools.getString("database"));
                assertEquals("scram_user", pools.getString("user"));
                assertEquals(1, pools.getInt("cl_active"));
                assertEquals(1, pools.getInt("sv_active"), "session mode: the client holds its server");
                assertEquals("session", pools.getString("pool_mode"));
            }
            try (ResultSet databases = statement.executeQuery("show databases;")) {
                assertEquals(DATABASES, columns(databases.getMetaData()));
                boolean sawApp = false;
                while (databases.next()) {
                    if (databases.getString("name").equals("app")) {
                        sawApp = true;
                        assertEquals(7, databases.getInt("pool_size"));
                        assertEquals(1, databases.getInt("current_connections"));
                        assertEquals(1, databases.getInt("current_client_connections"));
                    }
                }
                assertTrue(sawApp);
            }
            try (ResultSet version = statement.executeQuery("SHOW VERSION")) {
                assertTrue(version.next());
                assertTrue(version.getString(1).startsWith("pgferry"));
            }
            assertFalse(statement.execute("SHOW HELP"), "PgBouncer answers SHOW HELP with a notice, no rows");
            org.postgresql.util.PSQLWarning help = (org.postgresql.util.PSQLWarning) statement.getWarnings();
            assertEquals("Console usage", help.getServerErrorMessage().getMessage());
            assertTrue(help.getServerErrorMessage().getDetail().contains("SHOW HELP|CONFIG|USERS|DATABASES|POOLS"),
                    help.getServerErrorMessage().getDetail());
            SQLException unknown = assertThrows(SQLException.class, () -> statement.executeQuery("SHOW NONSENSE"));
            assertEquals("0A000", unknown.getSQLState());
        }
    }

    @Test
    void onlyAdminUsersMayConnect(PostgresServer server) {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.admin-users = [alice]")) {
            SQLException refused = assertThrows(SQLException.class, () -> proxy.connect("pgferry",
                    PostgresServer.Role.MD5.user, PostgresServer.Role.MD5.password, "preferQueryMode=simple"));
            assertEquals("28000", refused.getSQLState());
        }
    }
}
