package io.pgferry.backend;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Brings a server link's session parameters in line with what a client expects: one statement that SETs the
 * parameters whose values differ and RESETs settings pgferry applied for an earlier client that this one did
 * not ask for, so no client sees another's settings.
 */
public final class ParameterSync {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$]*");
    /** Reported by the server but not settable by a client (or not by this one). */
    private static final Set<String> READ_ONLY = Set.of("server_version", "server_encoding", "integer_datetimes",
            "in_hot_standby", "is_superuser", "session_authorization");

    private ParameterSync() {
    }

    /** Whether a reported parameter is one a client's session may differ in. */
    public static boolean settable(String lowerCaseName) {
        return !READ_ONLY.contains(lowerCaseName);
    }

    /**
     * Returns {@code SET a TO '1'; RESET b} for the differences, or {@code null} if none, and records what it
     * applies in {@code applied} (settings the server does not report back). All names are lower-cased.
     */
    static String statement(SessionParameters wanted, Map<String, String> reportedByServer, Map<String, String> applied) {
        StringBuilder sql = null;
        for (int i = 0; i < wanted.size(); i++) {
            String name = wanted.name(i);
            String value = wanted.value(i);
            String reported = reportedByServer.get(name);
            String current = reported != null ? reported : applied.get(name);
            if (value.equals(current) || !settable(name)) {
                continue;
            }
            sql = append(sql, set(name, value));
            if (reported == null) {
                applied.put(name, value);
            }
        }
        for (var it = applied.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> setting = it.next();
            if (wanted.get(setting.getKey()) == null) {
                sql = append(sql, "RESET " + setting.getKey());
                it.remove();
            }
        }
        return sql == null ? null : sql.toString();
    }

    /** {@code SET name TO 'value'}, for a name that is a plain identifier (they come from clients' startup packets). */
    public static String set(String name, String value) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid parameter name \"" + name + "\"");
        }
        return "SET " + name + " TO " + literal(value);
    }

    /** Appends a statement; the builder is created only when there is something to say (rarely, per hand-over). */
    private static StringBuilder append(StringBuilder sql, String statement) {
        if (sql == null) {
            return new StringBuilder(statement);
        }
        return sql.append("; ").append(statement);
    }

    /** An escape-string literal, correct whatever standard_conforming_strings says. */
    static String literal(String value) {
        return "E'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
