package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The monitoring files in deploy/, run for real: promtool accepts the Prometheus configuration and rules, and a
 * real Prometheus (Debian's, which .ci/run installs) scraping a live pgferry answers every dashboard expression
 * with data and evaluates every alert rule without error (issue 26, item 5).
 */
@ExtendWith(PostgresExtension.class)
class MonitoringIT {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

    @Test
    void promtoolAcceptsTheShippedConfigurationAndRules() throws Exception {
        assertEquals("", run("promtool", "check", "config", DEPLOY.resolve("prometheus/prometheus.yml").toString()));
        assertEquals("", run("promtool", "check", "rules", DEPLOY.resolve("prometheus/alerts.yml").toString()));
    }

    @Test
    void everyDashboardAndAlertExpressionWorksOnARealPrometheus(PostgresServer server, @TempDir Path directory)
            throws Exception {
        String hocon = EdgeDriverIT.EDGE + "pgferry.http.listen = \"127.0.0.1:0\"\npgferry.pool.mode = transaction\n"
                + "pgferry.cache.enabled = true";
        try (TestProxy proxy = TestProxy.start(server, hocon)) {
            int webPort = PostgresServer.freePort();
            Files.writeString(directory.resolve("prometheus.yml"), """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    rule_files: ["%s"]
                    scrape_configs:
                      - job_name: pgferry
                        static_configs: [{targets: ["127.0.0.1:%d"]}]
                    """.formatted(DEPLOY.resolve("prometheus/alerts.yml"), proxy.proxy().httpAddress().getPort()));
            Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + directory.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + webPort,
                    "--log.level=warn").redirectErrorStream(true).redirectOutput(directory.resolve("log").toFile())
                    .start();
            try {
                URI api = URI.create("http://127.0.0.1:" + webPort + "/api/v1/");
                TestProxy.awaitTrue(() -> ready(URI.create("http://127.0.0.1:" + webPort + "/-/ready")),
                        "Prometheus answers");
                // rate() over the dashboard's windows needs a few scrapes; traffic runs meanwhile.
                TestProxy.awaitTrue(() -> {
                    traffic(proxy, server);
                    return hasData(api, "count_over_time(up{job=\"pgferry\"}[5m]) >= 4");
                }, "Prometheus scraped pgferry four times");
                List<String> empty = new ArrayList<>();
                for (String expression : dashboardExpressions()) {
                    if (!hasData(api, expression.replace("$instance", ".*"))) {
                        empty.add(expression);
                    }
                }
                assertEquals(List.of(), empty, "dashboard expressions without data");
                for (String alert : alertExpressions()) {
                    hasData(api, alert);
                }
                String rules = get(api.resolve("rules"));
                assertTrue(rules.contains("\"health\":\"ok\"") && !rules.contains("\"health\":\"err\""), rules);
            } finally {
                prometheus.destroy();
                prometheus.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A bit of everything the dashboard shows: transactions, prepared statements, an error, an HTTP query. */
    private static void traffic(TestProxy proxy, PostgresServer server) {
        try (Connection client = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD, "prepareThreshold=1")) {
            for (int i = 0; i < 3; i++) {
                try (PreparedStatement statement = client.prepareStatement("SELECT ?::int + 1")) {
                    statement.setInt(1, i);
                    statement.executeQuery().close();
                }
            }
            try {
                SessionPoolingIT.single(client, "SELECT 1/0");
            } catch (SQLException expected) {
                // An error for the errors-by-class panel.
            }
            HttpClient.newBuilder().sslContext(EdgeHttpIT.trusting(server)).build().send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + proxy.proxy().edgeAddress().getPort() + "/sql"))
                    .header("Neon-Connection-String", "postgresql://" + TestProxy.APP_USER + ":"
                            + TestProxy.APP_PASSWORD + "@localhost/app")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"select 1\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Whether {@code expression} returns any sample; fails if Prometheus refuses it. */
    private static boolean hasData(URI api, String expression) {
        String body = get(api.resolve("query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8)));
        assertTrue(body.startsWith("{\"status\":\"success\""), expression + ": " + body);
        try (JsonParser json = new JsonFactory().createParser(ObjectReadContext.empty(), body)) {
            while (json.nextToken() != null) {
                if (json.currentToken() == JsonToken.PROPERTY_NAME && json.currentName().equals("result")
                        && json.nextToken() == JsonToken.START_ARRAY) {
                    return json.nextToken() != JsonToken.END_ARRAY;
                }
            }
        }
        return false;
    }

    /** Whether Prometheus accepts connections and says it is ready; it takes a moment after its start. */
    private static boolean ready(URI uri) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String get(URI uri) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> dashboardExpressions() throws Exception {
        List<String> expressions = new ArrayList<>();
        try (JsonParser json = new JsonFactory().createParser(ObjectReadContext.empty(),
                Files.readString(DEPLOY.resolve("grafana/dashboards/pgferry.json")))) {
            while (json.nextToken() != null) {
                if (json.currentToken() == JsonToken.PROPERTY_NAME && json.currentName().equals("expr")) {
                    json.nextToken();
                    expressions.add(json.getString());
                }
            }
        }
        assertTrue(expressions.size() >= 20, expressions.toString());
        return expressions;
    }

    @SuppressWarnings("unchecked")
    private static List<String> alertExpressions() throws Exception {
        Map<String, Object> file = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/alerts.yml")));
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                expressions.add((String) rule.get("expr"));
            }
        }
        return expressions;
    }

    /** Runs a tool; returns its output when it failed, "" when it succeeded. */
    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return process.exitValue() == 0 ? "" : output;
    }
}
