package io.pgferry.frontend;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Brings a server link's session parameters in line with what a client asked for: builds the one {@code SET}
 * statement that changes only the parameters whose values differ, and the client's view of the server's
 * ParameterStatus set.
 */
final class ParameterSync {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.$]*");

    private ParameterSync() {
    }

    /** {@code SET a TO '1'; SET b TO '2'} for every wanted parameter the link lacks, or {@code null} if none. */
    static String setStatement(Map<String, String> wanted, Map<String, String> serverParameters) {
        StringBuilder sql = new StringBuilder();
        for (Map.Entry<String, String> entry : wanted.entrySet()) {
            String name = entry.getKey();
            if (entry.getValue().equals(reported(serverParameters, name))) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("invalid parameter name \"" + name + "\"");
            }
            if (sql.length() > 0) {
                sql.append("; ");
            }
            sql.append("SET ").append(name).append(" TO ").append(literal(entry.getValue()));
        }
        return sql.length() == 0 ? null : sql.toString();
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
