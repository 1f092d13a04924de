package io.pgferry.prepared;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One distinct statement (query text plus parameter type OIDs) known to pgferry, shared by every client that
 * prepares the same text, with the server-side name {@code _pgferry_<id>} that is never given to another
 * statement. Immutable apart from its reference count and retirement; thread-safe.
 */
public final class PreparedStatement {
    static final String NAME_PREFIX = "_pgferry_";

    private final long id;
    private final byte[] serverName;
    private final byte[] queryAndTypes;
    private final AtomicInteger references = new AtomicInteger();
    private volatile boolean retired;

    PreparedStatement(long id, byte[] queryAndTypes) {
        this.id = id;
        this.serverName = (NAME_PREFIX + id).getBytes(StandardCharsets.US_ASCII);
        this.queryAndTypes = queryAndTypes;
    }

    public long id() {
        return id;
    }

    /** The name under which servers know this statement. */
    public byte[] serverName() {
        return serverName;
    }

    /** Query text and parameter types as they follow the name in a Parse message. */
    public byte[] queryAndTypes() {
        return queryAndTypes;
    }

    /** Bytes this entry holds, for the registry's memory accounting. */
    int footprint() {
        return 64 + serverName.length + queryAndTypes.length;
    }

    /**
     * Whether a server refused this statement's plan after DDL changed its result type: the clients holding it saw
     * the old result description, so each must see the error and prepare the text again, as on a direct connection.
     */
    public boolean isRetired() {
        return retired;
    }

    void retire() {
        retired = true;
    }

    AtomicInteger references() {
        return references;
    }
}
