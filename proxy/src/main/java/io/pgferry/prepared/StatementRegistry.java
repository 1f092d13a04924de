package io.pgferry.prepared;

import io.pgferry.protocol.ByteKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide set of prepared statements, keyed by query text and parameter types, so identical
 * statements from any client share one server-side name. An entry lives while some client refers to it;
 * the memory it holds is counted so operators can see and bound it. Thread-safe.
 */
public final class StatementRegistry {
    private final Map<ByteKey, PreparedStatement> statements = new ConcurrentHashMap<>();
    private final long memoryLimit;
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong memory = new AtomicLong();

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
            PreparedStatement statement = statements.computeIfAbsent(new ByteKey(queryAndTypes), key -> {
                PreparedStatement created = new PreparedStatement(nextId.incrementAndGet(), key.bytes());
                memory.addAndGet(created.footprint());
                return created;
            });
            int references = statement.references().get();
            // A count of -1 marks an entry being removed; retry so we get (or create) a live one.
            if (references >= 0 && statement.references().compareAndSet(references, references + 1)) {
                return statement;
            }
        }
    }

    /** Drops one reference; the last one removes the entry (servers keep their copies until evicted). */
    public void release(PreparedStatement statement) {
        if (statement.references().decrementAndGet() == 0 && statement.references().compareAndSet(0, -1)) {
            if (statements.remove(new ByteKey(statement.queryAndTypes()), statement)) {
                memory.addAndGet(-statement.footprint());
            }
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
