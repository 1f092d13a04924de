package io.pgferry.backend;

import com.github.benmanes.caffeine.cache.Interner;
import java.util.Arrays;
import java.util.Map;

/**
 * The session parameters a user of a link expects, by lower-cased name: immutable and interned.
 * Clients with the same settings share one instance, so a link that already carries them is recognised by
 * identity at each hand-over, and ten thousand clients with default settings hold one copy between them.
 */
public final class SessionParameters {
    private static final Interner<SessionParameters> INTERNER = Interner.newWeakInterner();

    /** Sorted, so equal sets compare element by element and a lookup is a binary search. */
    private final String[] names;
    private final String[] values;
    private final int hash;

    private SessionParameters(String[] names, String[] values) {
        this.names = names;
        this.values = values;
        this.hash = 31 * Arrays.hashCode(names) + Arrays.hashCode(values);
    }

    /** The shared instance holding {@code parameters} (names already lower-cased). */
    public static SessionParameters of(Map<String, String> parameters) {
        String[] names = parameters.keySet().toArray(new String[0]);
        Arrays.sort(names);
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = parameters.get(names[i]);
        }
        return INTERNER.intern(new SessionParameters(names, values));
    }

    /** The shared instance equal to this one with {@code name} set to {@code value}. */
    public SessionParameters with(String name, String value) {
        int index = Arrays.binarySearch(names, name);
        if (index >= 0 && values[index].equals(value)) {
            return this;
        }
        String[] newNames = names;
        String[] newValues;
        if (index >= 0) {
            newValues = values.clone();
            newValues[index] = value;
        } else {
            int at = -index - 1;
            newNames = insert(names, at, name);
            newValues = insert(values, at, value);
        }
        return INTERNER.intern(new SessionParameters(newNames, newValues));
    }

    private static String[] insert(String[] array, int at, String element) {
        String[] grown = new String[array.length + 1];
        System.arraycopy(array, 0, grown, 0, at);
        grown[at] = element;
        System.arraycopy(array, at, grown, at + 1, array.length - at);
        return grown;
    }

    public String get(String name) {
        int index = Arrays.binarySearch(names, name);
        return index >= 0 ? values[index] : null;
    }

    public int size() {
        return names.length;
    }

    public String name(int index) {
        return names[index];
    }

    public String value(int index) {
        return values[index];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionParameters that && hash == that.hash
                && Arrays.equals(names, that.names) && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
