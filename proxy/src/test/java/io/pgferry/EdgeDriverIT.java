package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code @neondatabase/serverless} from npm, run in Node against pgferry's edge listener over HTTPS and WSS, as an
 * edge function runs it: {@code neon()} with every parameter type the driver sends, transactions at each isolation
 * level, a failed batch rolled back, errors with their fields, Pool and Client over WebSocket with the driver's
 * default pipelined connect, prepared statements, and {@code poolQueryViaFetch} (issue 25).
 */
@ExtendWith(PostgresExtension.class)
class EdgeDriverIT {
    static final String EDGE = "pgferry.edge.listen = \"127.0.0.1:0\"\n";

    @Test
    void neonServerlessDriverWorksOverHttpAndWebSocket(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, EDGE + "pgferry.pool.mode = transaction")) {
            try (Connection app = proxy.connectApp(); Statement statement = app.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS neon_items");
                statement.execute("CREATE TABLE neon_items (id serial PRIMARY KEY, name text)");
            }
            String printed = NodeClients.node(Map.of("NODE_EXTRA_CA_CERTS",
                            server.certificates().caCertificate().toString()), "neon-serverless.mjs",
                    String.valueOf(proxy.proxy().edgeAddress().getPort()), TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                    "app");
            // Untyped parameters are text to the server, as on Neon: 1 and true come back as strings.
            assertTrue(printed.contains("\"typed\":{\"int\":\"1\",\"text\":\"text\",\"nothing\":null,\"bool\":\"true\","
                    + "\"at\":\"2024-05-06T07:08:09.010Z\",\"ints\":[1,2,3],\"doc\":{\"k\":[1,\"two\"]},"
                    + "\"big\":\"12345678901234567890\",\"bytes\":\"dead\",\"float\":1.5}"), printed);
            assertTrue(printed.contains("\"fullResults\":{\"command\":\"SELECT\",\"rowCount\":3,"
                    + "\"rows\":[[1],[2],[3]],\"fields\":[[\"x\",23]]}"), printed);
            assertTrue(printed.contains("\"isolation\":{\"ReadUncommitted\":\"read uncommitted\","
                    + "\"ReadCommitted\":\"read committed\",\"RepeatableRead\":\"repeatable read\","
                    + "\"Serializable\":\"serializable\"}"), printed);
            assertTrue(printed.contains("\"transaction\":{\"inserted\":2,\"counted\":2}"), printed);
            assertTrue(printed.contains("\"rolledBack\":{\"code\":\"22012\",\"kept\":0}"), printed);
            assertTrue(printed.contains("\"error\":{\"isNeonDbError\":true,\"code\":\"42P01\",\"severity\":\"ERROR\","
                    + "\"position\":\"15\",\"message\":\"relation \\\"no_such_table\\\" does not exist\""), printed);
            assertTrue(printed.contains("\"webSocket\":{\"n\":42,\"who\":\"scram_user\",\"inTransaction\":1,"
                    + "\"prepared\":1}"), printed);
            assertTrue(printed.contains("\"client\":7"), printed);
            assertTrue(printed.contains("\"poolQueryViaFetch\":\"fetch\""), printed);
            assertEquals(0, proxy.proxy().pools().all().stream().mapToInt(pool -> pool.stats().active()).sum(),
                    "every link went back to its pool");
        }
    }
}
