package io.pgferry.frontend;

import io.pgferry.backend.ParameterSync;
import java.util.Map;

/**
 * Sets a client's startup settings again after a statement of its own reset them (RESET, SET ... TO DEFAULT,
 * RESET ALL, DISCARD ALL): PostgreSQL makes startup settings a session's defaults, but pgferry applies them to a
 * pooled server with SET, whose reset value is the server's own (issue 22.12). A simple Query is followed by the
 * restoring statement at once; a Parse, which may run any number of times, by one after its batch's Sync. One per
 * client, used on the thread of the link serving it.
 */
final class StartupRestore {
    private final ClientStartup startup;
    /** What to send after the next Sync, because a Parse since the last one resets startup settings; else null. */
    private String afterSync;

    StartupRestore(ClientStartup startup) {
        this.startup = startup;
    }

    /** The statement to send right after a simple Query with these effects, or {@code null}. */
    String afterQuery(SessionStateScanner.Effects effects) {
        return restoreStatement(startup, effects);
    }

    /** A Parse with these effects: its settings are restored after the next Sync. */
    void parsed(SessionStateScanner.Effects effects) {
        String restore = restoreStatement(startup, effects);
        if (restore != null) {
            afterSync = restore;
        }
    }

    /** The statement to send right after a Sync, or {@code null}. */
    String afterSync() {
        String restore = afterSync;
        afterSync = null;
        return restore;
    }

    /**
     * The statement that returns the client's startup settings after {@code effects} reset some of them, or
     * {@code null}.
     */
    static String restoreStatement(ClientStartup startup, SessionStateScanner.Effects effects) {
        if (!effects.resetsAll() && effects.resetParameters().isEmpty()) {
            return null;
        }
        StringBuilder sql = null;
        for (Map.Entry<String, String> setting : startup.sessionParameters().entrySet()) {
            String name = setting.getKey();
            if (ParameterSync.settable(name) && (effects.resetsAll() || effects.resetParameters().contains(name))) {
                String statement = ParameterSync.set(name, setting.getValue());
                sql = sql == null ? new StringBuilder(statement) : sql.append("; ").append(statement);
            }
        }
        return sql == null ? null : sql.toString();
    }
}
