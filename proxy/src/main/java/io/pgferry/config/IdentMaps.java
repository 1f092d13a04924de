package io.pgferry.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * User-name maps in pg_ident.conf's format (PgBouncer's auth_ident_file): lines of {@code MAP SYSTEM-NAME USER},
 * where a system name starting with {@code /} is a regular expression whose first group may appear in the user
 * as {@code \1}. An hba line's {@code map=MAP} lets a client certificate's CN log in as the users its map names.
 * Immutable.
 */
public final class IdentMaps {
    private record Entry(String systemName, Pattern pattern, String user) {
        boolean maps(String name, String requested) {
            if (pattern == null) {
                return systemName.equals(name) && user.equals(requested);
            }
            Matcher match = pattern.matcher(name);
            if (!match.find()) {
                return false;
            }
            String mapped = match.groupCount() >= 1 && match.group(1) != null
                    ? user.replace("\\1", match.group(1)) : user;
            return mapped.equals(requested);
        }
    }

    private final Map<String, List<Entry>> maps;

    private IdentMaps(Map<String, List<Entry>> maps) {
        this.maps = maps;
    }

    public static IdentMaps load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read ident-file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The maps of {@code text}; a line that is not three names, or a bad expression, fails with file:line. */
    static IdentMaps parse(String name, String text) {
        List<Map.Entry<String, Entry>> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = name + ":" + (i + 1) + ": ";
            if (words.length != 3) {
                throw new IllegalArgumentException(where + "expected MAP SYSTEM-USERNAME DATABASE-USERNAME");
            }
            if (words[2].startsWith("+") || words[2].startsWith("/") || words[2].equals("all")) {
                throw new IllegalArgumentException(where + "database user " + words[2] + ": groups, all and "
                        + "expressions are not supported on this side; name the user");
            }
            entries.add(Map.entry(words[0], new Entry(words[1], pattern(words[1], where), words[2])));
        }
        return new IdentMaps(entries.stream().collect(Collectors.groupingBy(Map.Entry::getKey,
                Collectors.mapping(Map.Entry::getValue, Collectors.toUnmodifiableList()))));
    }

    private static Pattern pattern(String systemName, String where) {
        if (!systemName.startsWith("/")) {
            return null;
        }
        try {
            return Pattern.compile(systemName.substring(1));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + "invalid regular expression " + systemName + ": "
                    + e.getDescription());
        }
    }

    boolean has(String map) {
        return maps.containsKey(map);
    }

    /** Whether {@code map} lets the system name {@code systemName} log in as {@code user}. */
    boolean maps(String map, String systemName, String user) {
        return systemName != null && maps.getOrDefault(map, List.of()).stream()
                .anyMatch(entry -> entry.maps(systemName, user));
    }
}
