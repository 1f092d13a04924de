package io.pgferry.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientStartupTest {
    private static Map<String, String> startup(String user, String applicationName) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        parameters.put("database", "app");
        parameters.put("application_name", applicationName);
        parameters.put("options", "-c search_path=s1 --statement_timeout=5s");
        return parameters;
    }

    @Test
    void clientsSendingTheSameStartupShareOneInstance() {
        ClientStartup first = ClientStartup.of(startup("alice", "worker"));
        ClientStartup second = ClientStartup.of(startup(new String("alice"), new String("worker")));
        assertSame(first, second);
        assertEquals(Map.of("application_name", "worker", "search_path", "s1", "statement_timeout", "5s"),
                first.sessionParameters());
    }

    @Test
    void anyDifferenceKeepsStartupsApart() {
        ClientStartup worker = ClientStartup.of(startup("alice", "worker"));
        assertNotSame(worker, ClientStartup.of(startup("bob", "worker")));
        assertNotSame(worker, ClientStartup.of(startup("alice", "cron")));
        assertEquals("bob", ClientStartup.of(startup("bob", "worker")).user());
    }
}
