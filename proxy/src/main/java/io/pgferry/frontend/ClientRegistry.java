package io.pgferry.frontend;

import io.pgferry.context.ClientDirectory;
import io.pgferry.context.ClientInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The logged-in clients, by pgferry's number for each: for SHOW CLIENTS, KILL, KILL_CLIENT and draining. */
public final class ClientRegistry implements ClientDirectory {
    private final Map<Long, ClientHandle> sessions = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** The number for a new client; it is listed once {@link #register}ed. */
    long newId() {
        return ids.incrementAndGet();
    }

    void register(ClientHandle session) {
        sessions.put(session.id(), session);
    }

    void unregister(long id) {
        sessions.remove(id);
    }

    @Override
    public List<ClientInfo> describe() {
        return sessions.values().stream().map(ClientHandle::describe).toList();
    }

    @Override
    public boolean kill(long id, String sqlState, String message) {
        ClientHandle session = sessions.get(id);
        if (session == null) {
            return false;
        }
        session.terminate(sqlState, message);
        return true;
    }

    @Override
    public void killDatabase(String database, String sqlState, String message) {
        sessions.values().stream().filter(session -> database == null || session.database().equals(database))
                .forEach(session -> session.terminate(sqlState, message));
    }

    /** While draining: ends every client that holds no server now; the others end after their transaction. */
    public void drainIdle() {
        sessions.values().forEach(ClientHandle::endIfIdleWhileDraining);
    }

    public int size() {
        return sessions.size();
    }
}
