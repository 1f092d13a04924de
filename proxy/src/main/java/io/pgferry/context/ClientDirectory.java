package io.pgferry.context;

import java.util.List;

/** The logged-in clients as the admin console sees and ends them (SHOW CLIENTS, KILL_CLIENT, KILL). Thread-safe. */
public interface ClientDirectory {
    List<ClientInfo> describe();

    /** Ends client {@code id} with a FATAL error; {@code false} if there is no such client. */
    boolean kill(long id, String sqlState, String message);

    /** Ends every client of {@code database}, or every client if it is null, with a FATAL error. */
    void killDatabase(String database, String sqlState, String message);

    /** No clients yet: the console is served before the frontend registers its directory. */
    ClientDirectory NONE = new ClientDirectory() {
        @Override
        public List<ClientInfo> describe() {
            return List.of();
        }

        @Override
        public boolean kill(long id, String sqlState, String message) {
            return false;
        }

        @Override
        public void killDatabase(String database, String sqlState, String message) {
        }
    };
}
