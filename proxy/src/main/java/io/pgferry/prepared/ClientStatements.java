package io.pgferry.prepared;

import java.util.HashMap;
import java.util.Map;

/**
 * One client's prepared statements: the names it chose, mapped to registry entries, and the last unnamed Parse
 * it sent (replayed when a later Bind of the unnamed statement lands on another server). Used by one client at a
 * time, on the thread of the link serving it.
 */
public final class ClientStatements {
    private final StatementRegistry registry;
    private final Map<String, PreparedStatement> byName = new HashMap<>();
    private byte[] unnamedQueryAndTypes;

    public ClientStatements(StatementRegistry registry) {
        this.registry = registry;
    }

    public PreparedStatement get(String name) {
        return byName.get(name);
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Maps {@code name} to the shared entry for this statement text. The caller checked the name is free. */
    public PreparedStatement add(String name, byte[] queryAndTypes) {
        PreparedStatement statement = registry.acquire(queryAndTypes);
        byName.put(name, statement);
        return statement;
    }

    public void remove(String name) {
        PreparedStatement statement = byName.remove(name);
        if (statement != null) {
            registry.release(statement);
        }
    }

    /** DEALLOCATE ALL, DISCARD ALL, or the client left. */
    public void clear() {
        byName.values().forEach(registry::release);
        byName.clear();
        unnamedQueryAndTypes = null;
    }

    public int size() {
        return byName.size();
    }

    public void unnamed(byte[] queryAndTypes) {
        this.unnamedQueryAndTypes = queryAndTypes;
    }

    public byte[] unnamed() {
        return unnamedQueryAndTypes;
    }
}
