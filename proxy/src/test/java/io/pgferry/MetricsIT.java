package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import io.pgferry.testkit.ThreadPerTask;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** /metrics while pgbench runs through pgferry: live pool, wait and latency series, and agreement with the console. */
@ExtendWith(PostgresExtension.class)
class MetricsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);

    private static Map<String, Double> scrape(TestProxy proxy) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + proxy.proxy().httpAddress().getPort() + "/metrics");
        String body = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> samples = new HashMap<>();
        Matcher matcher = SAMPLE.matcher(body);
        while (matcher.find()) {
            samples.put(matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)), Double.parseDouble(matcher.group(3)));
        }
        return samples;
    }

    private static Map<String, String> single(Connection console, String command) throws SQLException {
        try (Statement statement = console.createStatement(); ResultSet rows = statement.executeQuery(command)) {
            assertTrue(rows.next(), command);
            Map<String, String> row = new HashMap<>();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                row.put(rows.getMetaData().getColumnName(i), rows.getString(i));
            }
            return row;
        }
    }

    @Test
    void seriesAreLiveDuringPgbenchAndAgreeWithTheConsole(PostgresServer server) throws Exception {
        String hocon = "pgferry.http.listen = \"127.0.0.1:0\"\npgferry.admin-users = [alice]\n"
                + "pgferry.pool { mode = transaction, size = 2 }";
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            String url = proxy.appUrl();
            assertEquals(0, ClientTools.run(TestProxy.APP_PASSWORD,
                    List.of("pgbench", "-i", "-q", "-s", "1", url)).exitCode());
            CompletableFuture<ClientTools.Result> bench = CompletableFuture.supplyAsync(() -> {
                try {
                    return ClientTools.run(TestProxy.APP_PASSWORD, List.of("pgbench", "-c", "8", "-j", "8", "-T", "4",
                            "-S", "-M", "prepared", url));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, ThreadPerTask.EXECUTOR);
            Thread.sleep(2000);
            Map<String, Double> during = scrape(proxy);
            String pool = "{database=\"app\",user=\"scram_user\"}";
            assertTrue(during.get("pgferry_pool_checkout_seconds_count" + pool) > 0, "checkouts counted");
            assertTrue(during.get("pgferry_pool_checkout_seconds_sum" + pool) > 0, "8 clients on 2 servers wait");
            assertTrue(during.get("pgferry_transaction_duration_seconds_count" + pool) > 100, "transactions counted");
            assertTrue(during.entrySet().stream().anyMatch(sample -> sample.getKey().startsWith(
                    "pgferry_query_duration_seconds_bucket{database=\"app\"") && !sample.getKey().contains("+Inf")
                    && sample.getValue() > 0), "query latency histogram filled below its top bucket");
            assertTrue(during.get("pgferry_server_received_bytes_total" + pool) > 0);
            assertTrue(during.get("pgferry_server_login_seconds_count" + pool) >= 1);
            assertTrue(during.get("pgferry_prepared_hits_total" + pool) > 0, "prepared statements served from the cache");
            assertTrue(during.get("pgferry_client_logins_total{result=\"ok\"}") >= 8);
            ClientTools.Result result = bench.get();
            assertEquals(0, ClientTools.failedTransactions(result.output()), result.output());

            try (Connection console = proxy.connect("pgbouncer", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                    "preferQueryMode=simple"); Connection app = proxy.connectApp()) {
                assertTrue(org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
                        () -> SessionPoolingIT.single(app, "SELECT * FROM no_such_table")).getSQLState().equals("42P01"));
                Map<String, String> pools = single(console, "SHOW POOLS");
                Map<String, String> stats = single(console, "SHOW STATS");
                Map<String, Double> after = scrape(proxy);
                assertEquals(Double.parseDouble(pools.get("sv_active")), after.get(
                        "pgferry_pool_servers{database=\"app\",state=\"active\",user=\"scram_user\"}"));
                assertEquals(Double.parseDouble(pools.get("sv_idle")),
                        after.get("pgferry_pool_servers{database=\"app\",state=\"idle\",user=\"scram_user\"}")
                                + after.get("pgferry_pool_servers{database=\"app\",state=\"parked\",user=\"scram_user\"}"));
                assertEquals(Double.parseDouble(pools.get("cl_waiting")), after.get("pgferry_pool_clients_waiting" + pool));
                assertEquals(Double.parseDouble(stats.get("total_xact_count")),
                        after.get("pgferry_transaction_duration_seconds_count" + pool));
                assertEquals(Double.parseDouble(stats.get("total_server_assignment_count")),
                        after.get("pgferry_pool_checkout_seconds_count" + pool));
                assertTrue(after.get("pgferry_errors_total{class=\"42\",database=\"app\",source=\"server\",user=\"scram_user\"}") >= 1);
            }
        }
    }
}
