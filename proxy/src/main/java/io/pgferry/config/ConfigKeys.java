package io.pgferry.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses keys pgferry does not know: a misspelt key ({@code aquire-timeout}) would otherwise leave its setting at
 * the default without a word. Known keys are reference.conf's, plus the keys of a database or user entry; the
 * error names the file and line, and the nearest known key when one is close.
 */
final class ConfigKeys {
    private static final Set<String> DATABASE_KEYS = Set.of("upstream", "password", "max-connections", "pool", "cache",
            "auth-user", "auth-query");
    private static final Set<String> USER_KEYS = Set.of("password", "auth-method", "pool-mode", "upstream-password",
            "max-connections");
    private static final Set<String> NAMED_ENTRIES = Set.of("databases", "users");

    private ConfigKeys() {
    }

    /** Checks the {@code pgferry} section of a file (unresolved) against the reference configuration's section. */
    static void check(ConfigObject file, ConfigObject reference) {
        walk(file, new ArrayList<>(), reference);
    }

    private static void walk(ConfigObject object, List<String> path, ConfigObject reference) {
        Set<String> allowed = allowedUnder(path, reference);
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String key = entry.getKey();
            if (allowed != null && !allowed.contains(key)) {
                String dotted = "pgferry." + (path.isEmpty() ? "" : String.join(".", path) + ".") + key;
                String nearest = nearest(key, allowed);
                throw new ConfigException.Generic(entry.getValue().origin().description() + ": unknown key " + dotted
                        + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
            }
            if (entry.getValue() instanceof ConfigObject child) {
                path.add(key);
                walk(child, path, reference);
                path.remove(path.size() - 1);
            }
        }
    }

    /** The keys allowed at {@code path}; {@code null} where any name goes (database and user names). */
    private static Set<String> allowedUnder(List<String> path, ConfigObject reference) {
        if (path.size() == 1 && NAMED_ENTRIES.contains(path.get(0))) {
            return null;
        }
        if (path.size() == 2 && NAMED_ENTRIES.contains(path.get(0))) {
            return path.get(0).equals("databases") ? DATABASE_KEYS : USER_KEYS;
        }
        // A database's own pool and cache blocks take the keys of the global ones.
        List<String> inReference = path.size() > 2 && path.get(0).equals("databases") ? path.subList(2, path.size())
                : path;
        ConfigValue at = reference;
        for (String key : inReference) {
            at = at instanceof ConfigObject parent ? parent.get(key) : null;
        }
        return at instanceof ConfigObject known ? known.keySet() : Set.of();
    }

    /** The known key within a few edits of {@code key}, if there is one. */
    private static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Math.max(2, key.length() / 3) + 1;
        for (String candidate : known) {
            int distance = distance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
