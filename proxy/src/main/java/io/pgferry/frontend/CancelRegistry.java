package io.pgferry.frontend;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the BackendKeyData pgferry issued to each client to that client's session, so that a CancelRequest finds
 * its target in O(1). Keys are drawn from a CSPRNG: a 31-bit process id and a 32-bit secret. Thread-safe.
 */
public final class CancelRegistry {
    private final Map<Long, ClientSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** Registers a session and returns its key: process id in the high 32 bits, secret in the low 32. */
    long register(ClientSession session) {
        while (true) {
            // One draw for both halves: each draw from the CSPRNG takes its lock and mixes in system entropy.
            long key = random.nextLong() & 0x7FFFFFFF_FFFFFFFFL;
            if (sessions.putIfAbsent(key, session) == null) {
                return key;
            }
        }
    }

    void unregister(long key) {
        sessions.remove(key);
    }

    /** The session a CancelRequest names, or {@code null} if the key is unknown (a guess, or a closed client). */
    ClientSession find(long key) {
        return sessions.get(key);
    }
}
