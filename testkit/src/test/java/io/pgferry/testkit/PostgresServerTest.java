package io.pgferry.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresServerTest {

    @Test
    void everyRoleLogsInWithItsMethodAndTlsIsOn(PostgresServer server) throws SQLException {
        for (PostgresServer.Role role : PostgresServer.Role.values()) {
            try (Connection connection = server.connect(role.user, role.password, "app");
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT current_user")) {
                assertTrue(rows.next());
                assertEquals(role.user, rows.getString(1));
            }
        }
        Properties tls = new Properties();
        tls.setProperty("user", PostgresServer.Role.SCRAM.user);
        tls.setProperty("password", PostgresServer.Role.SCRAM.password);
        tls.setProperty("sslmode", "verify-full");
        tls.setProperty("sslrootcert", server.certificates().caCertificate().toString());
        String url = "jdbc:postgresql://localhost:" + server.port() + "/app";
        try (Connection connection = java.sql.DriverManager.getConnection(url, tls);
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            assertTrue(rows.next());
            assertTrue(rows.getBoolean(1));
        }
    }

    @Test
    void wrongPasswordIsRefused(PostgresServer server) {
        SQLException refused = assertThrows(SQLException.class,
                () -> server.connect(PostgresServer.Role.SCRAM.user, "wrong", "app"));
        assertEquals("28P01", refused.getSQLState());
    }
}
