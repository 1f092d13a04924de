package io.pgferry.cache;

import java.time.Duration;
import java.util.Set;

/**
 * What one SQL text does, as far as the cache cares, decided from a real parse.
 *
 * @param effect    whether it reads (and may be cached), writes known tables, changes nothing, or may write anything
 * @param refusal   for a read that can never be cached whatever the catalog says, why (its status); else {@code null}
 * @param tables    the tables it names, unqualified: read by a {@link Effect#READ}, written by a {@link Effect#WRITE}
 * @param functions the functions it calls, unqualified, lower case: checked against the catalog's volatility
 * @param hint      the per-query hint in a comment: {@link Hint#NONE}, off, or its own max-age
 * @param readOnly  a single SELECT that modifies no data, locks no rows and selects into nothing, every function of
 *                  which is named in {@code functions}: it writes nothing unless one of those functions does
 */
public record StatementAnalysis(Effect effect, CacheStatus refusal, Set<String> tables, Set<String> functions,
                                Hint hint, boolean readOnly) {
    /** What executing the text does to the data other statements read. */
    public enum Effect {
        /** A single SELECT that changes nothing: a candidate for the cache. */
        READ,
        /** Writes rows of {@code tables} and nothing else pgferry can see. */
        WRITE,
        /** Changes no table: transaction control, SET, SHOW, a locking or non-cacheable read. */
        NONE,
        /** May change anything in the database (DDL, DO, CALL, an unparsed statement): invalidates all of it. */
        ANYTHING
    }

    /** A per-query hint: {@code off}, or the entry's own max-age ({@code null} for the configured one). */
    public record Hint(boolean off, Duration maxAge) {
        public static final Hint NONE = new Hint(false, null);
    }

    static StatementAnalysis anything(Hint hint, CacheStatus refusal) {
        return new StatementAnalysis(Effect.ANYTHING, refusal, Set.of(), Set.of(), hint, false);
    }

    static StatementAnalysis none(Hint hint, CacheStatus refusal) {
        return new StatementAnalysis(Effect.NONE, refusal, Set.of(), Set.of(), hint, false);
    }
}
