package io.pgferry.prepared;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pgferry.protocol.ByteKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide set of prepared statements, keyed by query text and parameter types, so identical
 * statements from any client share one server-side name. An entry lives while some client refers to it;
 * the memory it holds is counted so operators can see and bound it. After that it stays reachable by its text
 * while some server link still has it prepared, so a client preparing the same text again gets the same name
 * back and those servers need no new Parse. Thread-safe.
 */
public final class StatementRegistry {
    private final Map<ByteKey, PreparedStatement> statements = new ConcurrentHashMap<>();
    private final long memoryLimit;
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong memory = new AtomicLong();
    /**
     * Entries no client refers to, held weakly: each server link's {@link ServerStatements} holds its own strongly
     * until it closes the statement. Without this a client that connects per request, the stateless pattern,
     * would make every server parse its statements afresh under a new name each time.
     */
    private final Cache<ByteKey, PreparedStatement> released = Caffeine.newBuilder().weakValues().build();

    public StatementRegistry(long memoryLimit) {
        this.memoryLimit = memoryLimit;
    }

    /**
     * Returns the shared entry for this statement, counting one more reference to it.
     *
     * @throws RegistryFull if a new entry would take the registry past its memory limit
     */
    public PreparedStatement acquire(byte[] queryAndTypes) {
        if (memory.get() + queryAndTypes.length > memoryLimit && !statements.containsKey(new ByteKey(queryAndTypes))) {
            throw new RegistryFull(memoryLimit);
        }
        while (true) {
            PreparedStatement statement = statements.computeIfAbsent(new ByteKey(queryAndTypes), this::reviveOrCreate);
            int references = statement.references().get();
            // A count of -1 marks an entry being removed; retry so we get (or create) a live one.
            if (references >= 0 && statement.references().compareAndSet(references, references + 1)) {
                return statement;
            }
        }
    }

    /** Runs at most once at a time per key (inside {@code computeIfAbsent}), so one thread alone revives an entry. */
    private PreparedStatement reviveOrCreate(ByteKey key) {
        PreparedStatement entry = released.asMap().remove(key);
        if (entry != null) {
            entry.references().set(0);
        } else {
            entry = new PreparedStatement(nextId.incrementAndGet(), key.bytes());
        }
        memory.addAndGet(entry.footprint());
        return entry;
    }

    /**
     * Drops one reference; the last one removes the entry, which servers keep until they evict it and which comes
     * back if its text is prepared again meanwhile.
     */
    public void release(PreparedStatement statement) {
        if (statement.references().decrementAndGet() == 0 && statement.references().compareAndSet(0, -1)) {
            ByteKey key = new ByteKey(statement.queryAndTypes());
            if (statements.remove(key, statement)) {
                memory.addAndGet(-statement.footprint());
                released.put(key, statement);
            }
        }
    }

    /**
     * A server refused the statement's plan (0A000 "cached plan must not change result type" after DDL): its text
     * is no longer matched to this entry, so the next client to prepare it gets a new entry under a new name, which
     * every server parses afresh, instead of a stale copy another server still holds. Clients that refer to the old
     * entry keep it until they let it go, and get the server's error for it meanwhile.
     */
    public void retire(PreparedStatement statement) {
        statement.retire();
        if (statements.remove(new ByteKey(statement.queryAndTypes()), statement)) {
            memory.addAndGet(-statement.footprint());
        }
    }

    /** The registry holds as many bytes as it may. */
    public static final class RegistryFull extends RuntimeException {
        RegistryFull(long limit) {
            super("prepared statement memory limit of " + limit + " bytes reached (max-prepared-statement-memory)",
                    null, false, false);
        }
    }

    public int size() {
        return statements.size();
    }

    /** Bytes held by registered statements. */
    public long memory() {
        return memory.get();
    }
}
