package io.pgferry.prepared;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one server link has prepared, least recently used first, bounded by {@code max-prepared-statements}.
 * Also remembers who last filled the link's unnamed statement. Confined to the link's event loop.
 */
public final class ServerStatements {
    private final int capacity;
    private final LinkedHashMap<Long, PreparedStatement> prepared = new LinkedHashMap<>(16, 0.75f, true);
    /** Copies whose plan the server refused (0A000) and that must be closed before the name is parsed again. */
    private Set<PreparedStatement> stale;
    private Object unnamedOwner;

    public ServerStatements(int capacity) {
        this.capacity = capacity;
    }

    /** Whether the link has the statement; counts as a use. */
    public boolean has(PreparedStatement statement) {
        return prepared.get(statement.id()) != null;
    }

    /**
     * Records that the statement is being prepared on the link; returns the least recently used statement
     * that must be closed to stay within capacity, or {@code null}.
     */
    public PreparedStatement add(PreparedStatement statement) {
        prepared.put(statement.id(), statement);
        if (prepared.size() <= capacity) {
            return null;
        }
        Iterator<Map.Entry<Long, PreparedStatement>> eldest = prepared.entrySet().iterator();
        PreparedStatement evicted = eldest.next().getValue();
        eldest.remove();
        return evicted;
    }

    /** The Parse failed or never ran: the link does not have the statement. */
    public void remove(PreparedStatement statement) {
        prepared.remove(statement.id());
    }

    /**
     * The server's copy can no longer run (its result type changed after DDL, issue 22.11): the link no longer counts
     * as having the statement, and the copy is to be closed before its name is parsed here again.
     */
    public void markStale(PreparedStatement statement) {
        prepared.remove(statement.id());
        if (stale == null) {
            stale = new HashSet<>();
        }
        stale.add(statement);
    }

    /** Whether some stale copy waits to be closed. */
    public boolean hasStale() {
        return stale != null && !stale.isEmpty();
    }

    /** The stale copies to close now, forgotten here; one whose Close does not run is marked again. */
    public List<PreparedStatement> takeStale() {
        List<PreparedStatement> due = List.copyOf(stale);
        stale.clear();
        return due;
    }

    /** DISCARD ALL or DEALLOCATE ALL ran on the link. */
    public void clear() {
        prepared.clear();
        stale = null;
        unnamedOwner = null;
    }

    public int size() {
        return prepared.size();
    }

    /** Whether the unnamed statement on the link is the one {@code owner} last parsed. */
    public boolean unnamedBelongsTo(Object owner) {
        return unnamedOwner == owner;
    }

    /** Records who filled the unnamed statement; {@code null} after a simple Query replaced it. */
    public void unnamedFilledBy(Object owner) {
        this.unnamedOwner = owner;
    }
}
