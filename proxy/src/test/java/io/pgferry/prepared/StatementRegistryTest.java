package io.pgferry.prepared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatementRegistryTest {
    private static byte[] text(String sql) {
        return (sql + "\0\0\0").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void identicalStatementsShareOneEntryUntilTheLastClientReleasesIt() {
        StatementRegistry registry = new StatementRegistry(1 << 20);
        ClientStatements alice = new ClientStatements(registry);
        ClientStatements bob = new ClientStatements(registry);
        PreparedStatement first = alice.add("a", text("SELECT 1"));
        assertSame(first, bob.add("b", text("SELECT 1")));
        assertNotEquals(new String(first.serverName()), new String(alice.add("c", text("SELECT 2")).serverName()));
        alice.clear();
        bob.remove("b");
        assertEquals(0, registry.size());
        assertEquals(0, registry.memory());
    }

    @Test
    void aReleasedStatementAServerStillHoldsComesBackUnderItsName() {
        StatementRegistry registry = new StatementRegistry(1 << 20);
        ServerStatements server = new ServerStatements(10);
        ClientStatements first = new ClientStatements(registry);
        PreparedStatement prepared = first.add("a", text("SELECT 1"));
        server.add(prepared);
        first.clear();
        assertEquals(0, registry.size());
        PreparedStatement again = new ClientStatements(registry).add("b", text("SELECT 1"));
        assertSame(prepared, again, "the server's copy is used again, so it needs no new Parse");
        assertTrue(server.has(again));
        assertEquals(1, registry.size());
        assertTrue(registry.memory() > 0, "a revived entry counts against the memory limit again");
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
