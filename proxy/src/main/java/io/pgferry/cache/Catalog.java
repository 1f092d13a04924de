package io.pgferry.cache;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the cache needs from one database's catalog, by unqualified name (every schema's objects of a name
 * together, so whatever {@code search_path} picks is covered): which function names are IMMUTABLE in every
 * overload and which have a VOLATILE one, and which relation names are plain tables whose reads a write can only
 * change by naming them. Immutable; replaced whole when reloaded.
 *
 * @param functions          every function name
 * @param immutableFunctions function names all of whose overloads are IMMUTABLE
 * @param volatileFunctions  function names with a VOLATILE overload: a write calling one may write anything
 * @param readableTables     plain tables without row-level security, inheritance or partitions, not temporary
 * @param plainWriteTables   readable tables without triggers (foreign keys included) or rules: a write to one
 *                           changes that table only
 * @param loadedAtNanos      when it was read
 */
public record Catalog(Set<String> functions, Set<String> immutableFunctions, Set<String> volatileFunctions,
                      Set<String> readableTables, Set<String> plainWriteTables, long loadedAtNanos) {
    /** Function volatility: one row per name, whether all overloads are IMMUTABLE and whether any is VOLATILE. */
    static final String FUNCTIONS = "SELECT proname, bool_and(provolatile = 'i'), bool_or(provolatile = 'v') "
            + "FROM pg_catalog.pg_proc GROUP BY proname";
    /** Relations: one row per name, whether every relation of that name is readable, and plainly writable. */
    static final String RELATIONS = "SELECT c.relname, bool_and(c.relkind = 'r' AND NOT c.relrowsecurity "
            + "AND NOT c.relispartition AND NOT c.relhassubclass AND c.relpersistence <> 't' "
            + "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid)), "
            + "bool_and(NOT c.relhastriggers AND NOT c.relhasrules) "
            + "FROM pg_catalog.pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') GROUP BY c.relname";

    /** Whether a READ of {@code analysis} may be cached; {@code null} if so, else the status that says why not. */
    CacheStatus refusal(StatementAnalysis analysis) {
        for (String function : analysis.functions()) {
            if (!immutableFunctions.contains(function)) {
                return CacheStatus.VOLATILE;
            }
        }
        for (String table : analysis.tables()) {
            if (!readableTables.contains(table)) {
                return CacheStatus.UNCACHEABLE;
            }
        }
        return null;
    }

    /** Whether a WRITE of {@code analysis} changes only the tables it names. */
    boolean writesOnlyNamedTables(StatementAnalysis analysis) {
        return !callsWriter(analysis, this) && plainWriteTables.containsAll(analysis.tables());
    }

    /**
     * Whether {@code analysis} calls a function that may write: one with a VOLATILE overload, or one {@code catalog}
     * does not know ({@code null}: no catalog yet, so any function may).
     */
    public static boolean callsWriter(StatementAnalysis analysis, Catalog catalog) {
        return !analysis.functions().isEmpty() && (catalog == null || analysis.functions().stream()
                .anyMatch(name -> catalog.volatileFunctions().contains(name) || !catalog.functions().contains(name)));
    }

    static Catalog of(Map<String, boolean[]> functions, Map<String, boolean[]> relations, long now) {
        Set<String> immutable = new HashSet<>();
        Set<String> anyVolatile = new HashSet<>();
        functions.forEach((name, flags) -> {
            if (flags[0]) {
                immutable.add(name);
            }
            if (flags[1]) {
                anyVolatile.add(name);
            }
        });
        Set<String> readable = new HashSet<>();
        Set<String> plainWrite = new HashSet<>();
        relations.forEach((name, flags) -> {
            if (flags[0]) {
                readable.add(name);
                if (flags[1]) {
                    plainWrite.add(name);
                }
            }
        });
        return new Catalog(Set.copyOf(functions.keySet()), Set.copyOf(immutable), Set.copyOf(anyVolatile),
                Set.copyOf(readable), Set.copyOf(plainWrite), now);
    }
}
