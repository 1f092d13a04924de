package io.pgferry.frontend;

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
        return ParameterSync.restoreStartup(startup, effects);
    }

    /** A Parse with these effects: its settings are restored after the next Sync. */
    void parsed(SessionStateScanner.Effects effects) {
        String restore = ParameterSync.restoreStartup(startup, effects);
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
}
