package io.pgferry.cache;

import java.util.Arrays;

/**
 * What makes two requests' results the same bytes: the upstream user, the session settings that change how
 * values are written (all the parameters pgferry tracks for the client, {@code settings}), and the request
 * itself: a Query's text, or a statement's text and parameter types with a Bind's parameter formats, values and
 * result formats.
 */
public final class CacheKey {
    private final String user;
    private final Object settings;
    private final byte[] request;
    private final int hash;

    public CacheKey(String user, Object settings, byte[] request) {
        this.user = user;
        this.settings = settings;
        this.request = request;
        this.hash = 31 * (31 * user.hashCode() + settings.hashCode()) + Arrays.hashCode(request);
    }

    /** The bytes the key holds, for weighing an entry. */
    int size() {
        return request.length + user.length();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CacheKey key && hash == key.hash && user.equals(key.user)
                && settings.equals(key.settings) && Arrays.equals(request, key.request);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
