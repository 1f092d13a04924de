package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgferry.backend.ExpectedReplies.Action;
import io.pgferry.prepared.PreparedStatement;
import io.pgferry.prepared.ServerStatements;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.FrontendTag;

/**
 * The state a server link carries from one user to the next (its prepared statements, who filled its unnamed
 * statement, its session parameters) and the one place that changes it, for any kind of user: a client session,
 * an HTTP request, the result cache. Each change is written to the server in the same flush as the request that
 * needs it, its replies swallowed: a statement from the registry is prepared under its registry name, the least
 * recently used one is closed when the link is full, a copy whose plan the server refused after DDL is closed
 * before its name is parsed again, another user's unnamed statement is replaced by the owner's own, and
 * parameters are brought to what the user expects. Confined to the link's event loop.
 */
public final class LinkState {
    private final ServerConnection link;
    private final ServerStatements statements;

    LinkState(ServerConnection link, ServerStatements statements) {
        this.link = link;
        this.statements = statements;
    }

    private ByteBufAllocator allocator() {
        return link.channel().alloc();
    }

    /** Whether the link has the statement prepared; counts as a use. */
    public boolean has(PreparedStatement statement) {
        return statements.has(statement);
    }

    /** How many statements the link has prepared (SHOW SERVERS). */
    public int preparedCount() {
        return statements.size();
    }

    /** Makes sure the link has the statement before a request that names it: a Parse whose reply is swallowed. */
    public void ensurePrepared(PreparedStatement statement) {
        if (!statements.has(statement)) {
            prepare(statement, ExtendedMessages.parse(allocator(), statement.serverName(), statement.queryAndTypes()),
                    Action.SKIP, null);
        }
    }

    /**
     * Writes a Parse of the statement under its registry name ({@code parse}, owned from here), whose replies go
     * where {@code action} says; the link counts as having it unless the Parse fails, when {@code onFailure} runs.
     */
    public void prepare(PreparedStatement statement, ByteBuf parse, Action action, Runnable onFailure) {
        PreparedStatement evicted = statements.add(statement);
        if (evicted != null) {
            link.activity().statementEvicted();
            link.send(ExtendedMessages.describeOrClose(allocator(), FrontendTag.CLOSE, (byte) 'S', evicted.serverName()),
                    Request.CLOSE, Action.SKIP);
        }
        link.activity().serverParse();
        link.send(parse, Request.PARSE, action, sqlState -> {
            statements.remove(statement);
            if (onFailure != null) {
                onFailure.run();
            }
        });
    }

    /** The statement was deallocated on the server by a request of its user's (DEALLOCATE). */
    public void forget(PreparedStatement statement) {
        statements.remove(statement);
    }

    /**
     * The server refused this copy's plan (0A000 after DDL changed its result type): it is closed before anything
     * else runs on the link, so the name can be parsed afresh here.
     */
    public void markStale(PreparedStatement statement) {
        statements.markStale(statement);
    }

    /**
     * Closes the copies marked stale, before the user's next requests; a Close the server skips (after an error,
     * before Sync) is tried again next time.
     */
    public void closeStaleCopies() {
        if (!statements.hasStale()) {
            return;
        }
        for (PreparedStatement statement : statements.takeStale()) {
            link.send(ExtendedMessages.describeOrClose(allocator(), FrontendTag.CLOSE, (byte) 'S', statement.serverName()),
                    Request.CLOSE, Action.SKIP, sqlState -> statements.markStale(statement));
        }
    }

    /** {@code owner}'s Parse of the unnamed statement is being written: the unnamed statement is its own now. */
    public void fillUnnamed(Object owner) {
        statements.unnamedFilledBy(owner);
    }

    /** A simple Query (or pgferry's own SET) replaced the unnamed statement: nobody owns it. */
    public void unnamedReplaced() {
        statements.unnamedFilledBy(null);
    }

    /**
     * Before a Bind or Describe of the unnamed statement by {@code owner}: if someone else replaced it, replays
     * the owner's last unnamed Parse ({@code queryAndTypes}; {@code null} if it never sent one), reply swallowed.
     */
    public void ensureUnnamed(Object owner, byte[] queryAndTypes) {
        if (!statements.unnamedBelongsTo(owner) && queryAndTypes != null) {
            link.send(ExtendedMessages.parse(allocator(), new byte[0], queryAndTypes), Request.PARSE, Action.SKIP);
            statements.unnamedFilledBy(owner);
        }
    }

    /**
     * Brings the link's session parameters to {@code wanted}: one SET/RESET statement for the differences, its
     * replies swallowed, or nothing if the link already carries them.
     */
    public void applyParameters(SessionParameters wanted) {
        ServerParameters parameters = link.parameters();
        if (parameters.alreadyCarries(wanted)) {
            return;
        }
        String sync = ParameterSync.statement(wanted, parameters.reported(), parameters.applied());
        if (sync != null) {
            link.send(FrontendMessages.query(allocator(), sync), Request.QUERY, Action.SKIP);
            unnamedReplaced();
        }
    }
}
