package io.pgferry.frontend;

import com.github.benmanes.caffeine.cache.Interner;
import io.pgferry.backend.ServerParameters;
import io.pgferry.protocol.ParameterStatus;
import io.pgferry.protocol.ProtocolViolation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a client asked for in its StartupMessage: user, database, and the session parameters to apply on the
 * server (application_name, client_encoding, and each {@code -c name=value} of {@code options}), keyed in lower case.
 * Interned: a logged-in client keeps its startup for its whole life, and a fleet of clients sends the same one.
 */
record ClientStartup(String user, String database, Map<String, String> sessionParameters) {
    private static final Interner<ClientStartup> INTERNER = Interner.newWeakInterner();

    /** The value the client sees for a parameter the server reports: its own, if it asked for one. */
    String valueOf(String lowerCaseName, String serverValue) {
        return sessionParameters.getOrDefault(lowerCaseName, serverValue);
    }

    /** The server's login parameters as this client sees them: its own values where it asked for some. */
    List<ParameterStatus> parametersShown(List<ServerParameters.LoginParameter> serverParameters) {
        List<ParameterStatus> shown = new ArrayList<>(serverParameters.size());
        for (ServerParameters.LoginParameter parameter : serverParameters) {
            shown.add(new ParameterStatus(parameter.name(), valueOf(parameter.lowerCaseName(), parameter.value())));
        }
        return shown;
    }

    static ClientStartup of(Map<String, String> startup) {
        Map<String, String> session = new LinkedHashMap<>();
        startup.forEach((name, value) -> {
            switch (name) {
                case "user", "database", "replication" -> { }
                case "options" -> parseOptions(value, session);
                default -> session.put(name.toLowerCase(Locale.ROOT), value);
            }
        });
        return INTERNER.intern(new ClientStartup(startup.get("user"), startup.get("database"),
                Collections.unmodifiableMap(session)));
    }

    /** Parses libpq's {@code options}: whitespace-separated {@code -c name=value} or {@code --name=value}, backslash escapes. */
    static void parseOptions(String options, Map<String, String> into) {
        StringBuilder word = new StringBuilder();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '\\' && i + 1 < options.length()) {
                word.append(options.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        for (int i = 0; i < words.size(); i++) {
            String setting = words.get(i);
            if (setting.equals("-c") && i + 1 < words.size()) {
                setting = words.get(++i);
            } else if (setting.startsWith("--")) {
                setting = setting.substring(2);
            } else if (setting.startsWith("-c")) {
                setting = setting.substring(2);
            } else {
                throw new ProtocolViolation("unsupported startup option \"" + setting + "\"");
            }
            int equals = setting.indexOf('=');
            if (equals <= 0) {
                throw new ProtocolViolation("invalid startup option \"" + setting + "\": expected name=value");
            }
            into.put(setting.substring(0, equals).replace('-', '_').toLowerCase(Locale.ROOT), setting.substring(equals + 1));
        }
    }
}
