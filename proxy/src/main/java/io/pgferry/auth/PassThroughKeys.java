package io.pgferry.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SCRAM pass-through: for users pgferry knows only by a SCRAM verifier, the keys their clients' last successful
 * SCRAM login revealed, by verifier (an instance per configuration, so a reload that changes a verifier starts
 * afresh). Servers of such users are logged in with these keys, as PgBouncer does. Thread-safe.
 */
public final class PassThroughKeys {
    private final Map<ScramSecret, ScramKeys> keys = new ConcurrentHashMap<>();

    public void remember(ScramSecret verifier, ScramKeys revealed) {
        keys.put(verifier, revealed);
    }

    /** The keys for {@code verifier}, or {@code null} until a client logged in with SCRAM against it. */
    public ScramKeys of(ScramSecret verifier) {
        return keys.get(verifier);
    }
}
