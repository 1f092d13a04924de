package io.pgferry.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PgBouncer's ini format: {@code [section]} headers, {@code key = value} lines, comments from {@code ;} or {@code #}
 * at the start of a line. Keys keep their order, as the output should; each remembers its line for messages.
 */
final class IniFile {
    /** One {@code key = value} line. */
    record Entry(String key, String value, int line) {
    }

    private final String name;
    private final Map<String, List<Entry>> sections = new LinkedHashMap<>();

    private IniFile(String name) {
        this.name = name;
    }

    /** Parses {@code text}; a line that is neither a section, a setting nor a comment fails with file:line. */
    static IniFile parse(String name, String text) {
        IniFile file = new IniFile(name);
        String section = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1).strip().toLowerCase(Locale.ROOT);
                file.sections.computeIfAbsent(section, s -> new ArrayList<>());
                continue;
            }
            if (line.startsWith("%include")) {
                throw file.error(i + 1, "%include is not supported: merge the included file into this one");
            }
            int equals = line.indexOf('=');
            if (equals <= 0 || section == null) {
                throw file.error(i + 1, section == null ? "a setting before any [section]"
                        : "expected key = value, got: " + line);
            }
            file.sections.get(section).add(new Entry(line.substring(0, equals).strip(),
                    line.substring(equals + 1).strip(), i + 1));
        }
        return file;
    }

    /** The entries of {@code section} (lower-case name), in file order; empty if the file has none. */
    List<Entry> section(String section) {
        return sections.getOrDefault(section, List.of());
    }

    /** The value of {@code key} in {@code section}, or {@code null}. */
    String value(String section, String key) {
        for (Entry entry : section(section)) {
            if (entry.key().equalsIgnoreCase(key)) {
                return entry.value();
            }
        }
        return null;
    }

    IllegalArgumentException error(int line, String message) {
        return new IllegalArgumentException(name + ":" + line + ": " + message);
    }

    /**
     * A libpq-style connection string, {@code host=h port=5432 password='a b'}: keys and values, quotes and
     * backslash escapes as libpq reads them.
     */
    Map<String, String> connectString(Entry entry) {
        Map<String, String> values = new LinkedHashMap<>();
        String text = entry.value();
        int at = 0;
        while (at < text.length()) {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            if (at >= text.length()) {
                break;
            }
            int equals = text.indexOf('=', at);
            if (equals < 0) {
                throw error(entry.line(), "expected key=value in the connection string of " + entry.key());
            }
            String key = text.substring(at, equals).strip().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            at = equals + 1;
            boolean quoted = at < text.length() && text.charAt(at) == '\'';
            at += quoted ? 1 : 0;
            while (at < text.length() && (quoted ? text.charAt(at) != '\'' : !Character.isWhitespace(text.charAt(at)))) {
                char c = text.charAt(at++);
                value.append(c == '\\' && at < text.length() ? text.charAt(at++) : c);
            }
            if (quoted && at >= text.length()) {
                throw error(entry.line(), "unterminated quote in the connection string of " + entry.key());
            }
            at += quoted ? 1 : 0;
            values.put(key, value.toString());
        }
        return values;
    }
}
