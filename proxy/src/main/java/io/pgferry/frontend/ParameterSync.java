package io.pgferry.frontend;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Brings a server link's session parameters in line with what a client expects: one statement that SETs the
 * parameters whose values differ and RESETs settings pgferry applied for an earlier client that this one did
 * not ask for, so no client sees another's settings.
 */
final class ParameterSync {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$]*");
    /** Reported by the server but not settable by a client (or not by this one). */
    private static final Set<String> READ_ONLY = Set.of("server_version", "server_encoding", "integer_datetimes",
            "in_hot_standby", "is_superuser", "session_authorization");

    private ParameterSync() {
    }

    /** Whether a reported parameter is one a client's session may differ in. */
    static boolean settable(String lowerCaseName) {
        return !READ_ONLY.contains(lowerCaseName);
    }

    /**
     * Returns {@code SET a TO '1'; RESET b} for the differences, or {@code null} if none, and records what it
     * applies in {@code applied} (settings the server does not report back).
     */
    static String statement(Map<String, String> wanted, Map<String, String> reportedByServer, Map<String, String> applied) {
        StringBuilder sql = new StringBuilder();
        Map<String, String> reportedByName = new java.util.HashMap<>();
        reportedByServer.forEach((name, value) -> reportedByName.put(name.toLowerCase(Locale.ROOT), value));
        for (Map.Entry<String, String> entry : wanted.entrySet()) {
            String name = entry.getKey();
            String reported = reportedByName.get(name);
            String current = reported != null ? reported : applied.get(name);
            if (entry.getValue().equals(current) || !settable(name)) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid parameter name \"" + name + "\"");
            }
            append(sql, "SET " + name + " TO " + literal(entry.getValue()));
            if (reported == null) {
                applied.put(name, entry.getValue());
            }
        }
        applied.entrySet().removeIf(setting -> {
            if (wanted.containsKey(setting.getKey())) {
                return false;
            }
            append(sql, "RESET " + setting.getKey());
            return true;
        });
        return sql.length() == 0 ? null : sql.toString();
    }

    private static void append(StringBuilder sql, String statement) {
        if (sql.length() > 0) {
            sql.append("; ");
        }
        sql.append(statement);
    }

    /** The value the server reported for {@code lowerCaseName}, matching names case-insensitively. */
    static String reported(Map<String, String> serverParameters, String lowerCaseName) {
        for (Map.Entry<String, String> entry : serverParameters.entrySet()) {
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** An escape-string literal, correct whatever standard_conforming_strings says. */
    static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
