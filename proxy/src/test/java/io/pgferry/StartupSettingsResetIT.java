package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RESET, RESET ALL and DISCARD ALL return a client's settings to what its startup packet asked for, as PostgreSQL
 * makes those the session's defaults, not to the pooled server's own (issue 22.12).
 */
@ExtendWith(PostgresExtension.class)
class StartupSettingsResetIT {

    @ParameterizedTest
    @ValueSource(strings = {"transaction", "session"})
    void psqlGetsItsStartupDateStyleAndTimeZoneBack(String mode, PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.pool.mode = " + mode)) {
            ClientTools.Result result = ClientTools.run(TestProxy.APP_PASSWORD, List.of("env",
                    "PGDATESTYLE=Postgres, MDY", "PGTZ=PST8PDT", "psql", proxy.appUrl() + "&application_name=reset-check", "-X", "-A", "-t",
                    "-v", "ON_ERROR_STOP=1",
                    "-c", "SET datestyle TO ISO", "-c", "SET timezone TO 'UTC'",
                    "-c", "RESET datestyle", "-c", "SHOW datestyle", "-c", "SHOW timezone",
                    "-c", "RESET ALL", "-c", "SHOW timezone",
                    "-c", "SELECT timestamptz '2020-01-02 03:04:05+00'",
                    "-c", "SET datestyle TO ISO", "-c", "DISCARD ALL", "-c", "SHOW datestyle",
                    "-c", "SET timezone TO DEFAULT", "-c", "SHOW timezone",
                    "-c", "SET application_name TO 'other'", "-c", "RESET ALL", "-c", "SHOW application_name"));
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(List.of("SET", "SET", "RESET", "Postgres, MDY", "UTC", "RESET", "PST8PDT",
                    "Wed Jan 01 19:04:05 2020 PST", "SET", "DISCARD ALL", "Postgres, MDY", "SET", "PST8PDT",
                    "SET", "RESET", "reset-check"),
                    result.output().lines().filter(line -> !line.isBlank()).toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"transaction", "session"})
    void pgjdbcGetsItsStartupOptionsBack(String mode, PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry.pool.mode = " + mode)) {
            Properties properties = new Properties();
            properties.setProperty("user", TestProxy.APP_USER);
            properties.setProperty("password", TestProxy.APP_PASSWORD);
            properties.setProperty("options", "-c statement_timeout=12345");
            properties.setProperty("ApplicationName", "reset-check");
            // Else pgjdbc sends application_name with SET after login, and RESET ALL clears it on PostgreSQL too.
            properties.setProperty("assumeMinServerVersion", "9.0");
            try (Connection client = java.sql.DriverManager.getConnection(proxy.jdbcUrl("app", ""), properties);
                 Statement statement = client.createStatement()) {
                statement.execute("SET statement_timeout TO 1000");
                statement.execute("SET application_name TO 'other'");
                statement.execute("RESET statement_timeout");
                assertEquals("12345ms", SessionPoolingIT.single(client, "SHOW statement_timeout"));
                statement.execute("RESET ALL");
                assertEquals("12345ms", SessionPoolingIT.single(client, "SHOW statement_timeout"));
                assertEquals("reset-check", SessionPoolingIT.single(client, "SHOW application_name"));
            }
        }
    }
}
