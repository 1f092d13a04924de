package io.pgferry.cache;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the cache did with one request, in Hyperdrive's {@code cacheStatus} vocabulary, plus {@link #INVALIDATED}:
 * the entry was there but a write through pgferry had made it obsolete.
 */
public enum CacheStatus {
    HIT, MISS, STALE, INVALIDATED, UNCACHEABLE, MULTIPLESTATEMENTS, NOTAQUERY, OVERSIZEDQUERY, OVERSIZEDRESULT,
    PARSEERROR, TRANSACTION, VOLATILE, DISABLED;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** Every status's label, in declaration order. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(CacheStatus::label).toList();
    }

    /** The metric label: the name in lower case, as Hyperdrive spells it. */
    public String label() {
        return label;
    }
}
