package io.pgferry;

import com.typesafe.config.ConfigFactory;
import io.pgferry.config.ConfigLoader;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * pgferry running in-process on an ephemeral port in front of a fixture PostgreSQL server, configured with
 * the users and databases the integration tests share plus whatever HOCON a test adds.
 */
public final class TestProxy implements AutoCloseable {
    public static final String APP_USER = "alice";
    public static final String APP_PASSWORD = "alice-secret";

    private final Proxy proxy;

    private TestProxy(Proxy proxy) {
        this.proxy = proxy;
    }

    /** Database {@code app} shares the upstream login scram_user (model a); {@code *} logs clients in as themselves. */
    public static TestProxy start(PostgresServer server, String extraHocon) {
        return new TestProxy(Proxy.start(ConfigLoader.fromConfig(
                ConfigFactory.parseString(extraHocon).withFallback(ConfigFactory.parseString(hocon(server))))));
    }

    /** The shared configuration, listening on an ephemeral port. */
    public static String hocon(PostgresServer server) {
        String upstream = "postgres://" + server.host() + ":" + server.port();
        String hocon = """
                pgferry {
                  listen = "127.0.0.1:0"
                  tls { mode = prefer, cert-file = "%s", key-file = "%s" }
                  pool { size = 4, acquire-timeout = 10s }
                  databases {
                    app { upstream = "%s/app?sslmode=disable", password = "%s" }
                    app_tls { upstream = "%s/app?sslmode=verify-full&sslrootcert=%s" }
                    "*" { upstream = "%s?sslmode=prefer" }
                  }
                  users {
                    alice { password = "%s" }
                    scram_user { password = "%s" }
                    md5_user { password = "%s", auth-method = md5 }
                    trust_user { auth-method = trust, upstream-password = "%s" }
                    plain_user { password = "%s", auth-method = password }
                  }
                }
                """.formatted(server.certificates().serverCertificate(), server.certificates().serverKey(),
                upstream.replace("://", "://" + PostgresServer.Role.SCRAM.user + "@"),
                PostgresServer.Role.SCRAM.password,
                upstream.replace("://", "://" + PostgresServer.Role.SCRAM.user + ":"
                        + PostgresServer.Role.SCRAM.password + "@").replace("127.0.0.1", "localhost"),
                server.certificates().caCertificate(), upstream, APP_PASSWORD,
                PostgresServer.Role.SCRAM.password, PostgresServer.Role.MD5.password,
                PostgresServer.Role.TRUST.password, PostgresServer.Role.SCRAM.password);
        return hocon;
    }

    /**
     * Waits until {@code condition} holds, for state that changes on pgferry's own threads (housekeeping, a pool's
     * queue) and has no event a test can wait on; fails after 20 s.
     */
    public static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
    }

    public int port() {
        return proxy.address().getPort();
    }

    public Proxy proxy() {
        return proxy;
    }

    public String jdbcUrl(String database, String parameters) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?sslmode=disable"
                + (parameters.isEmpty() ? "" : "&" + parameters);
    }

    public Connection connect(String database, String user, String password) throws SQLException {
        return connect(database, user, password, "");
    }

    public Connection connect(String database, String user, String password, String parameters) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(database, parameters), properties);
    }

    /** A libpq connection string (psql, pgbench) for database {@code app} as alice, without TLS. */
    public String appUrl() {
        return "postgresql://" + APP_USER + "@127.0.0.1:" + port() + "/app?sslmode=disable";
    }

    /** A client of database {@code app} logged in as alice. */
    public Connection connectApp() throws SQLException {
        return connect("app", APP_USER, APP_PASSWORD);
    }

    @Override
    public void close() {
        proxy.close();
    }
}
