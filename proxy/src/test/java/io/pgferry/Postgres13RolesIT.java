package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgferry.backend.UpstreamHosts;
import io.pgferry.config.Upstream;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Host roles on PostgreSQL 13, which does not report {@code in_hot_standby} (issue 28): a host search asks
 * {@code pg_is_in_recovery()} instead, so read-write links skip a standby listed first and standby links find it,
 * and health checks notice a promotion, after which new read-write links go to the promoted host.
 */
class Postgres13RolesIT {
    private static final String VERSION = "13.22.0";

    @Test
    void rolesAreAskedForAndAPromotionIsNoticedByHealthChecks() throws Exception {
        try (PostgresServer primary = PostgresServer.start(VERSION);
             PostgresServer standby = primary.startStandby()) {
            String hosts = "127.0.0.1:" + standby.port() + ",127.0.0.1:" + primary.port();
            String hocon = """
                    pgferry {
                      health-check-interval = 200ms, housekeeping-interval = 100ms, ban-time = 1s
                      pool.mode = transaction
                      databases.app.upstream = "postgres://scram_user@%s/app?sslmode=disable&target_session_attrs=read-write"
                      databases.app_ro { upstream = "postgres://scram_user@%s/app?sslmode=disable&target_session_attrs=standby", password = "%s" }
                    }
                    """.formatted(hosts, hosts, PostgresServer.Role.SCRAM.password);
            try (TestProxy proxy = TestProxy.start(primary, hocon);
                 Connection writer = proxy.connectApp();
                 Connection reader = proxy.connect("app_ro", TestProxy.APP_USER, TestProxy.APP_PASSWORD)) {
                assertEquals(String.valueOf(primary.port()), port(writer), "the standby listed first is skipped");
                assertEquals(String.valueOf(standby.port()), port(reader));
                UpstreamHosts known = proxy.proxy().context().shared().connector().hosts();
                Upstream.Host standbyHost = new Upstream.Host("127.0.0.1", standby.port());
                assertEquals(UpstreamHosts.Role.STANDBY, known.all().get(standbyHost).role());
                primary.stopProcess();
                standby.promote();
                TestProxy.awaitTrue(() -> known.all().get(standbyHost).role() == UpstreamHosts.Role.PRIMARY,
                        "a health check reads the promotion");
                TestProxy.awaitTrue(() -> String.valueOf(standby.port()).equals(portOrNothing(writer)),
                        "writes reach the promoted host");
            }
        }
    }

    private static String port(Connection client) throws SQLException {
        return SessionPoolingIT.single(client, "SELECT current_setting('port')");
    }

    /** The port, or nothing while the failover has the client's transaction fail. */
    private static String portOrNothing(Connection client) {
        try {
            return port(client);
        } catch (SQLException e) {
            return "";
        }
    }
}
