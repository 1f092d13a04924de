package io.pgferry.frontend;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the BackendKeyData pgferry issued to each client to that client's session, so that a CancelRequest finds
 * its target in O(1). Keys are drawn from a CSPRNG: a 31-bit process id and a 32-bit secret. Thread-safe.
 */
public final class CancelRegistry {
    private static final int KEYS_PER_DRAW = 64;
    private static final int DRAW_BYTES = KEYS_PER_DRAW * Long.BYTES;
    private final Map<Long, ClientHandle> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    /** Keys drawn ahead, guarded by {@code this}; the next one is at the buffer's position. */
    private final ByteBuffer drawn = ByteBuffer.allocate(DRAW_BYTES).position(DRAW_BYTES);

    /** Registers a session and returns its key: process id in the high 32 bits, secret in the low 32. */
    long register(ClientHandle session) {
        while (true) {
            long key = nextKey() & 0x7FFFFFFF_FFFFFFFFL;
            if (sessions.putIfAbsent(key, session) == null) {
                return key;
            }
        }
    }

    /** Each draw from the CSPRNG hashes and may read system entropy, so a login takes its key from a batch. */
    private synchronized long nextKey() {
        if (!drawn.hasRemaining()) {
            random.nextBytes(drawn.array());
            drawn.clear();
        }
        return drawn.getLong();
    }

    void unregister(long key) {
        sessions.remove(key);
    }

    /** The session a CancelRequest names, or {@code null} if the key is unknown (a guess, or a closed client). */
    ClientHandle find(long key) {
        return sessions.get(key);
    }
}
