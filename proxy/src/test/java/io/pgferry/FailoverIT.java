package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresServer;
import io.pgferry.testkit.WriteLoad;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several upstream hosts with roles (issue 28), on a real primary and a streaming standby made by pg_basebackup:
 * target_session_attrs sends writes to the primary and reads of an alias database to the standby; when the primary
 * stops and the standby is promoted under eight writing clients, only transactions in flight fail, and the rest wait
 * (failover-buffer-timeout) and commit on the new primary; a primary restarted in place is waited for the same way;
 * a host that refuses connections is banned for ban-time, shown by SHOW HOSTS and the metrics; a promotion is
 * counted as the host's role change and buffered clients' waits in the failover-wait histogram; least-connections
 * spreads servers over two standbys.
 */
class FailoverIT {
    private static final int CLIENTS = 8;
    private PostgresServer primary;
    private PostgresServer standby;

    @BeforeEach
    void startPrimaryAndStandby() throws SQLException {
        primary = PostgresServer.start();
        primary.createSharedTable("ticks (client int, n bigint)");
        standby = primary.startStandby();
    }

    @AfterEach
    void stopServers() {
        standby.close();
        primary.close();
    }

    private TestProxy proxy(String target, String failoverBuffer) {
        String hosts = "127.0.0.1:" + primary.port() + ",127.0.0.1:" + standby.port();
        return TestProxy.start(primary, """
                pgferry {
                  ban-time = 1s
                  pool { mode = transaction, failover-buffer-timeout = %s }
                  databases.app.upstream = "postgres://scram_user@%s/app?sslmode=disable&target_session_attrs=%s"
                  databases.app_ro { upstream = "postgres://scram_user@%s/app?sslmode=disable&target_session_attrs=standby", password = "%s" }
                }
                """.formatted(failoverBuffer, hosts, target, hosts, PostgresServer.Role.SCRAM.password));
    }

    @Test
    void writesGoToThePrimaryAndReadsOfTheAliasToTheStandby() throws Exception {
        try (TestProxy proxy = proxy("read-write", "30s");
             Connection writer = proxy.connectApp();
             Connection reader = proxy.connect("app_ro", TestProxy.APP_USER, TestProxy.APP_PASSWORD)) {
            assertEquals("f", SessionPoolingIT.single(writer, "SELECT pg_is_in_recovery()"));
            assertEquals("t", SessionPoolingIT.single(reader, "SELECT pg_is_in_recovery()"));
            assertEquals(String.valueOf(standby.port()), SessionPoolingIT.single(reader,
                    "SELECT current_setting('port')"));
        }
    }

    /**
     * A standby whose replay is paused while the primary writes falls past max-replica-lag: within a few health
     * checks the alias's reads go to the primary (prefer-standby's fallback), and back once replay catches up.
     */
    @Test
    void aStandbyThatFallsBehindStopsGettingReadsUntilItCatchesUp() throws Exception {
        String hosts = "127.0.0.1:" + primary.port() + ",127.0.0.1:" + standby.port();
        String hocon = """
                pgferry {
                  health-check-interval = 200ms, max-replica-lag = 1s, housekeeping-interval = 100ms
                  pool.mode = transaction
                  databases.app_ro { upstream = "postgres://scram_user@%s/app?sslmode=disable&target_session_attrs=prefer-standby", password = "%s" }
                }
                """.formatted(hosts, PostgresServer.Role.SCRAM.password);
        String standbyPort = String.valueOf(standby.port());
        String primaryPort = String.valueOf(primary.port());
        try (TestProxy proxy = TestProxy.start(primary, hocon);
             Connection reader = proxy.connect("app_ro", TestProxy.APP_USER, TestProxy.APP_PASSWORD);
             Connection onStandby = standby.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Connection onPrimary = primary.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement writes = onPrimary.createStatement()) {
            assertEquals(standbyPort, SessionPoolingIT.single(reader, "SELECT current_setting('port')"));
            insert(writes);
            SessionPoolingIT.single(onStandby, "SELECT pg_wal_replay_pause()::text");
            TestProxy.awaitTrue(() -> {
                insert(writes);
                return primaryPort.equals(port(reader));
            }, "reads leave the lagging standby");
            SessionPoolingIT.single(onStandby, "SELECT pg_wal_replay_resume()::text");
            TestProxy.awaitTrue(() -> standbyPort.equals(port(reader)), "reads come back once it catches up");
        }
    }

    /** Session-pooled reads over two standbys: least-connections puts each new server on the less busy one. */
    @Test
    void leastConnectionsSpreadsServersOverTheStandbys() throws Exception {
        try (PostgresServer second = primary.startStandby()) {
            String hosts = "127.0.0.1:" + primary.port() + ",127.0.0.1:" + standby.port() + ",127.0.0.1:"
                    + second.port();
            String hocon = """
                    pgferry {
                      pool.mode = session
                      databases.app_ro { upstream = "postgres://scram_user@%s/app?sslmode=disable&target_session_attrs=standby&load_balance_hosts=least-connections", password = "%s" }
                    }
                    """.formatted(hosts, PostgresServer.Role.SCRAM.password);
            Map<String, Integer> perPort = new HashMap<>();
            List<Connection> readers = new ArrayList<>();
            try (TestProxy proxy = TestProxy.start(primary, hocon)) {
                try {
                    for (int i = 0; i < 4; i++) {
                        Connection reader = proxy.connect("app_ro", TestProxy.APP_USER, TestProxy.APP_PASSWORD);
                        readers.add(reader);
                        perPort.merge(port(reader), 1, Integer::sum);
                    }
                } finally {
                    for (Connection reader : readers) {
                        reader.close();
                    }
                }
            }
            assertEquals(Map.of(String.valueOf(standby.port()), 2, String.valueOf(second.port()), 2), perPort);
        }
    }

    private static void insert(Statement writes) {
        try {
            writes.execute("INSERT INTO ticks VALUES (-1, 0)");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static String port(Connection reader) {
        try {
            return SessionPoolingIT.single(reader, "SELECT current_setting('port')");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHostThatRefusesConnectionsIsBannedNotRetriedAndShown() throws Exception {
        int refusing = PostgresServer.freePort();
        String hocon = """
                pgferry {
                  admin-users = [alice], http.listen = "127.0.0.1:0", ban-time = 60s
                  databases.app.upstream = "postgres://scram_user@127.0.0.1:%d,127.0.0.1:%d/app?sslmode=disable"
                }
                """.formatted(refusing, primary.port());
        try (TestProxy proxy = TestProxy.start(primary, hocon);
             Connection first = proxy.connectApp();
             Connection second = proxy.connectApp();
             Connection console = proxy.connect("pgbouncer", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                     "preferQueryMode=simple");
             Statement statement = console.createStatement()) {
            assertEquals(String.valueOf(primary.port()), SessionPoolingIT.single(first, "SELECT current_setting('port')"));
            assertEquals(String.valueOf(primary.port()), SessionPoolingIT.single(second,
                    "SELECT current_setting('port')"), "a second server link skips the banned host");
            Map<Integer, List<String>> hosts = new HashMap<>();
            try (ResultSet rows = statement.executeQuery("SHOW HOSTS")) {
                while (rows.next()) {
                    hosts.put(rows.getInt("port"), List.of(rows.getString("role"), rows.getString("state"),
                            rows.getString("bans")));
                }
            }
            assertEquals(List.of("unknown", "banned", "1"), hosts.get(refusing), "banned once, not retried");
            assertEquals(List.of("primary", "up", "0"), hosts.get(primary.port()));
            String http = "http://127.0.0.1:" + proxy.proxy().httpAddress().getPort();
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(http + "/ready"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "ready: the other host serves");
            assertTrue(metrics.contains("pgferry_upstream_host_up{host=\"127.0.0.1:" + refusing + "\"} 0.0"), metrics);
            assertTrue(metrics.contains("pgferry_upstream_host_bans_total{host=\"127.0.0.1:" + refusing + "\"} 1.0"));
            assertTrue(metrics.contains("pgferry_upstream_host_in_recovery{host=\"127.0.0.1:" + primary.port()
                    + "\"} 0.0"));
        }
    }

    @Test
    void aPromotedStandbyTakesOverWhileClientsWrite() throws Exception {
        try (TestProxy proxy = proxy("read-write", "30s");
             Connection reader = proxy.connect("app_ro", TestProxy.APP_USER, TestProxy.APP_PASSWORD);
             WriteLoad load = new WriteLoad(CLIENTS, proxy::connectApp)) {
            // A read through the alias makes the standby's role known before it changes.
            assertEquals("t", SessionPoolingIT.single(reader, "SELECT pg_is_in_recovery()"));
            long failures = promoteUnderLoad(load, "failover (promote)");
            assertTrue(failures <= CLIENTS, "only transactions in flight fail: " + failures);
            try (Connection client = proxy.connectApp()) {
                assertEquals(String.valueOf(standby.port()), SessionPoolingIT.single(client,
                        "SELECT current_setting('port')"), "the promoted standby is the primary now");
            }
            String metrics = proxy.proxy().context().metrics().scrape();
            assertTrue(metrics.contains("pgferry_upstream_host_role_changes_total{host=\"127.0.0.1:" + standby.port()
                    + "\"} 1.0"), metrics);
            Matcher waited = Pattern.compile(
                    "pgferry_pool_failover_wait_seconds_count\\{database=\"app\",user=\"scram_user\"} (\\S+)")
                    .matcher(metrics);
            assertTrue(waited.find() && Double.parseDouble(waited.group(1)) > 0,
                    "clients waited out the failover (the failover-wait histogram): " + metrics);
        }
    }

    /** The same without buffering, for comparison: clients get errors until the promotion, then carry on. */
    @Test
    void withoutBufferingClientsSeeErrorsUntilThePromotion() throws Exception {
        try (TestProxy proxy = proxy("read-write", "0s"); WriteLoad load = new WriteLoad(CLIENTS, proxy::connectApp)) {
            promoteUnderLoad(load, "failover (promote, no buffering)");
        }
    }

    /** Stops the primary and promotes the standby while {@code load} runs; returns the failed transactions. */
    private long promoteUnderLoad(WriteLoad load, String label) throws Exception {
        return primaryLostUnderLoad(load, label, standby::promote);
    }

    /** Stops the primary, then runs {@code recovery}, while {@code load} runs; returns the failed transactions. */
    private long primaryLostUnderLoad(WriteLoad load, String label, Runnable recovery) throws Exception {
        load.awaitCommits(200, 20);
        primary.stopProcess();
        long lost = System.nanoTime();
        recovery.run();
        long firstCommit = load.firstCommitAfter(lost, 20);
        load.awaitCommits(load.commits() + 200, 20);
        load.stop();
        System.out.printf("%s: %d failed of %d transactions, first commit %.0f ms after the primary was gone%n",
                label, load.failures(), load.commits() + load.failures(), (firstCommit - lost) / 1e6);
        return load.failures();
    }

    @Test
    void aPrimaryRestartedInPlaceIsWaitedFor() throws Exception {
        try (TestProxy proxy = proxy("primary", "30s"); WriteLoad load = new WriteLoad(CLIENTS, proxy::connectApp)) {
            long failures = primaryLostUnderLoad(load, "restart in place", primary::startAgain);
            assertTrue(failures <= CLIENTS, "only transactions in flight fail: " + failures);
        }
    }
}
