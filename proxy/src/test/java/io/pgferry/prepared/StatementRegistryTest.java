package io.pgferry.prepared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatementRegistryTest {
    private static byte[] text(String sql) {
        return (sql + "\0\0\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void identicalStatementsShareOneNameThatIsNeverReused() {
        StatementRegistry registry = new StatementRegistry(1 << 20);
        ClientStatements alice = new ClientStatements(registry);
        ClientStatements bob = new ClientStatements(registry);
        PreparedStatement first = alice.add("a", text("SELECT 1"));
        assertSame(first, bob.add("b", text("SELECT 1")));
        alice.clear();
        bob.remove("b");
        assertEquals(0, registry.size());
        assertEquals(0, registry.memory());
        PreparedStatement again = alice.add("a", text("SELECT 1"));
        assertNotEquals(new String(first.serverName()), new String(again.serverName()),
                "a statement removed and prepared again gets a new server-side name");
    }

    @Test
    void memoryIsBounded() {
        StatementRegistry registry = new StatementRegistry(200);
        ClientStatements client = new ClientStatements(registry);
        client.add("small", text("SELECT 1"));
        assertThrows(StatementRegistry.RegistryFull.class, () -> client.add("big", text("SELECT '" + "x".repeat(300) + "'")));
        assertNull(client.get("big"));
        client.add("same", text("SELECT 1"));
    }

    @Test
    void serverLruEvictsTheLeastRecentlyUsed() {
        StatementRegistry registry = new StatementRegistry(1 << 20);
        ClientStatements client = new ClientStatements(registry);
        ServerStatements server = new ServerStatements(2);
        PreparedStatement one = client.add("1", text("SELECT 1"));
        PreparedStatement two = client.add("2", text("SELECT 2"));
        PreparedStatement three = client.add("3", text("SELECT 3"));
        assertNull(server.add(one));
        assertNull(server.add(two));
        server.has(one);
        assertSame(two, server.add(three));
        assertEquals(2, server.size());
    }
}
