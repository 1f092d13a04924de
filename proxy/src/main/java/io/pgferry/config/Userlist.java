package io.pgferry.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** PgBouncer's auth_file: {@code "user" "secret"} per line, a doubled quote standing for a quote. */
final class Userlist {
    private Userlist() {
    }

    /** User name to secret (plain, {@code md5...} or a SCRAM verifier), in file order; fails with file:line. */
    static Map<String, String> parse(String name, String text) {
        Map<String, String> secrets = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            int[] at = {0};
            String user = quoted(line, at, name, i + 1);
            String secret = quoted(line, at, name, i + 1);
            secrets.put(user, secret);
        }
        return secrets;
    }

    private static String quoted(String line, int[] at, String name, int number) {
        while (at[0] < line.length() && Character.isWhitespace(line.charAt(at[0]))) {
            at[0]++;
        }
        if (at[0] >= line.length() || line.charAt(at[0]) != '"') {
            throw new IllegalArgumentException(name + ":" + number + ": expected \"user\" \"secret\"");
        }
        StringBuilder value = new StringBuilder();
        for (int i = at[0] + 1; i < line.length(); i++) {
            if (line.charAt(i) == '"') {
                if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    value.append('"');
                    i++;
                    continue;
                }
                at[0] = i + 1;
                return value.toString();
            }
            value.append(line.charAt(i));
        }
        throw new IllegalArgumentException(name + ":" + number + ": unterminated quote");
    }
}
