package io.pgferry.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.pgferry.Proxy;
import io.pgferry.config.ConfigLoader;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The demo's configuration works as printed: TLS (verified against the demo's CA) and SCRAM through pgferry. */
class DemoTest {
    @Test
    void demoConfigurationServesTlsAndScram() throws Exception {
        try (PostgresServer postgres = PostgresServer.start()) {
            int port = PostgresServer.freePort();
            try (Proxy proxy = Proxy.start(ConfigLoader.fromConfig(ConfigFactory.parseString(Demo.hocon(postgres, port))))) {
                Properties properties = new Properties();
                properties.setProperty("user", Demo.USER);
                properties.setProperty("password", Demo.PASSWORD);
                properties.setProperty("sslmode", "verify-full");
                properties.setProperty("sslrootcert", postgres.certificates().caCertificate().toString());
                try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/app", properties);
                     ResultSet rows = connection.createStatement().executeQuery("SELECT current_database()")) {
                    rows.next();
                    assertEquals("app", rows.getString(1));
                }
            }
        }
    }
}
