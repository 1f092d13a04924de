package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgferry.backend.ExpectedReplies.Action;
import io.pgferry.backend.ParameterSync;
import io.pgferry.backend.ReplyTap;
import io.pgferry.backend.Request;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.SessionParameters;
import io.pgferry.cache.SessionCache;
import io.pgferry.prepared.ClientStatements;
import io.pgferry.prepared.PreparedStatement;
import io.pgferry.prepared.StatementRegistry;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.ProtocolViolation;
import io.pgferry.protocol.SqlState;
import java.util.List;
import java.util.Locale;

/**
 * Writes one client's requests to the server link serving it, in transaction and statement mode: it translates
 * client statement names to registry entries, answers what needs no server (a Parse the link already has, Close of
 * a statement, errors PostgreSQL would raise) in order, and decides when the client must keep its link (pins).
 * What the link must carry for a request (statements prepared, the client's unnamed statement, its parameters)
 * it asks of the link's {@link io.pgferry.backend.LinkState}, which alone changes it. Runs on the serving link's
 * event loop; takes ownership of every frame it is given.
 */
final class RequestForwarder {
    private final ClientStatements statements;
    private final StatementRegistry registry;
    private final StartupRestore startupRestore;
    private SessionParameters parameters;
    private final ByteBufAllocator allocator;
    private boolean discardingUntilSync;
    /** The client's last unnamed Parse text and types, if scanning it found nothing that touches session state. */
    private byte[] plainUnnamed;
    private PinReason pin;
    /**
     * Who the link's unnamed statement belongs to when it is this client's: a new token whenever the client's
     * unnamed statement changes without a server (the result cache answered its Parse), so no link's copy passes.
     */
    private Object unnamedOwner = new Object();
    /** The client's use of the result cache; {@code null} when its database has none. */
    private SessionCache cache;
    private HeldLinkAnswers heldLinkAnswers;

    RequestForwarder(StatementRegistry registry, ClientStartup startup, ByteBufAllocator allocator) {
        this.registry = registry;
        this.startupRestore = new StartupRestore(startup);
        this.statements = new ClientStatements(registry);
        this.allocator = allocator;
    }

    /** Applies the client's parameters to a link it has just been given (after {@link #seedParameters}). */
    void arrive(ServerConnection link) {
        link.state().applyParameters(parameters);
    }

    /** Records misses and writes in {@code sessionCache} from now on. */
    void useCache(SessionCache sessionCache) {
        this.cache = sessionCache;
        this.heldLinkAnswers = new HeldLinkAnswers(sessionCache);
    }

    /** The client's session parameters: part of every cache key. */
    SessionParameters parameters() {
        return parameters;
    }

    PreparedStatement statement(String name) {
        return statements.get(name);
    }

    /** The text and types of the client's statement {@code name} ("" for the unnamed one), or {@code null}. */
    byte[] statementText(String name) {
        if (name.isEmpty()) {
            return statements.unnamed();
        }
        PreparedStatement statement = statements.get(name);
        return statement == null || statement.isRetired() ? null : statement.queryAndTypes();
    }

    /**
     * The result cache answered a Parse: the client's statement {@code name} (or its unnamed one) is now
     * {@code queryAndTypes}. Returns {@code false} if the registry has no room, so the Parse must go to a server.
     */
    boolean parsedLocally(String name, byte[] queryAndTypes) {
        if (!name.isEmpty()) {
            try {
                statements.add(name, queryAndTypes);
            } catch (StatementRegistry.RegistryFull e) {
                return false;
            }
            return true;
        }
        statements.unnamed(queryAndTypes);
        plainUnnamed = null;
        unnamedOwner = new Object();
        return true;
    }

    /** Every ReadyForQuery the client gets: the writes of a transaction that ended drop their cached results. */
    void readyForQuery(byte transactionStatus) {
        if (cache != null) {
            cache.transactionStatus(transactionStatus);
        }
    }

    boolean isDiscardingUntilSync() {
        return discardingUntilSync;
    }

    PinReason pin() {
        return pin;
    }

    /** Forwards a batch in order; returns {@code false} if the client sent Terminate. */
    boolean forward(ServerConnection link, List<ByteBuf> batch) {
        link.state().closeStaleCopies();
        for (int i = 0; i < batch.size(); i++) {
            ByteBuf frame = batch.get(i);
            byte type = Messages.type(frame);
            if (type == FrontendTag.TERMINATE) {
                batch.subList(i, batch.size()).forEach(ByteBuf::release);
                return false;
            }
            if (discardingUntilSync && type != FrontendTag.SYNC) {
                frame.release();
                continue;
            }
            // A request that arrived before the client's idle link went back: still answered from the cache.
            int answered = cache == null || pin != null || discardingUntilSync ? 0
                    : heldLinkAnswers.answer(link, batch, i, parameters, this::statementText);
            if (answered > 0) {
                i += answered - 1;
                continue;
            }
            try {
                forward(link, type, frame);
            } catch (RuntimeException e) {
                batch.subList(i + 1, batch.size()).forEach(ByteBuf::release);
                throw e;
            }
        }
        return true;
    }

    private void forward(ServerConnection link, byte type, ByteBuf frame) {
        switch (type) {
            case FrontendTag.QUERY -> onQuery(link, frame);
            case FrontendTag.PARSE -> onParse(link, frame);
            case FrontendTag.BIND -> onBind(link, frame);
            case FrontendTag.DESCRIBE -> onDescribe(link, frame);
            case FrontendTag.CLOSE -> onClose(link, frame);
            case FrontendTag.EXECUTE ->
                    link.send(frame, Request.EXECUTE, Action.FORWARD, cache == null ? null : cache.onExecute(frame));
            case FrontendTag.SYNC -> {
                discardingUntilSync = false;
                link.send(frame, Request.SYNC, Action.FORWARD, cache == null ? null : cache.onSync());
                restoreStartup(link, startupRestore.afterSync());
            }
            case FrontendTag.FUNCTION_CALL -> link.send(frame, Request.FUNCTION_CALL, Action.FORWARD);
            case FrontendTag.FLUSH, FrontendTag.COPY_DATA, FrontendTag.COPY_DONE, FrontendTag.COPY_FAIL ->
                    link.sendUntracked(frame);
            default -> {
                frame.release();
                throw new ProtocolViolation("invalid frontend message type " + (type & 0xFF));
            }
        }
    }

    private void onQuery(ServerConnection link, ByteBuf frame) {
        SessionStateScanner.Effects effects = SessionStateScanner.scanQuery(frame);
        applyEffects(link, effects);
        link.state().unnamedReplaced();
        if (effects.deallocate() != null && statements.contains(effects.deallocate())) {
            // DEALLOCATE of a protocol-level statement (Rails does this): deallocate our name for it instead.
            PreparedStatement statement = statements.get(effects.deallocate());
            link.state().ensurePrepared(statement);
            link.state().forget(statement);
            statements.remove(effects.deallocate());
            frame.release();
            link.send(FrontendMessages.query(allocator, "DEALLOCATE " + new String(statement.serverName(),
                    java.nio.charset.StandardCharsets.US_ASCII)), Request.QUERY, Action.FORWARD);
            return;
        }
        if (effects.dropsAllStatements()) {
            statements.clear();
        }
        ReplyTap tap = cache == null ? null : cache.onQuery(
                Messages.cString(frame, frame.readerIndex() + Messages.BODY), CacheRequests.queryKey(frame), parameters,
                link.transactionStatus() != 'I', pin != null, link.eventLoop());
        link.send(frame, Request.QUERY, Action.FORWARD, tap);
        restoreStartup(link, startupRestore.afterQuery(effects));
    }

    private void restoreStartup(ServerConnection link, String restore) {
        if (restore != null) {
            link.send(FrontendMessages.query(allocator, restore), Request.QUERY, Action.SKIP_BUT_REPORT);
        }
    }

    private void applyEffects(ServerConnection link, SessionStateScanner.Effects effects) {
        if (effects == SessionStateScanner.Effects.NONE) {
            return;
        }
        PinReason reason = effects.pin();
        for (String name : effects.setParameters()) {
            if (reason == null && link.parameters().reported().get(name) == null) {
                reason = PinReason.UNTRACKED_SET;
            }
        }
        if (reason != null && pin == null) {
            pin = reason;
            reason.count();
        }
    }

    /** How many named statements the client has prepared; for SHOW CLIENTS, read on any thread. */
    int preparedStatementCount() {
        return statements.size();
    }

    private void onParse(ServerConnection link, ByteBuf frame) {
        String name = ExtendedMessages.parseName(frame);
        if (name.isEmpty()) {
            onUnnamedParse(link, frame);
            return;
        }
        int queryStart = ExtendedMessages.parseQueryStart(frame);
        SessionStateScanner.Effects effects = SessionStateScanner.scan(frame, queryStart);
        applyEffects(link, effects);
        startupRestore.parsed(effects);
        link.activity().clientParse();
        if (statements.contains(name)) {
            frame.release();
            fail(link, "42P05", "prepared statement \"" + name + "\" already exists");
            return;
        }
        PreparedStatement statement;
        try {
            statement = statements.add(name, ExtendedMessages.queryAndTypes(frame, queryStart));
        } catch (StatementRegistry.RegistryFull e) {
            frame.release();
            fail(link, "53200", e.getMessage());
            return;
        }
        if (link.state().has(statement)) {
            frame.release();
            link.activity().preparedHit();
            link.fake(BackendMessages.parseComplete(allocator));
            return;
        }
        link.state().prepare(statement, ExtendedMessages.renameParse(allocator, frame, statement.serverName()),
                Action.FORWARD, () -> {
                    if (statements.get(name) == statement) {
                        statements.remove(name);
                    }
                });
    }

    /**
     * Drivers send the same unnamed Parse over and over (pgbench {@code -M extended}, pgjdbc below its prepare
     * threshold): a repeat of one that left session state alone is neither scanned nor copied again.
     */
    private void onUnnamedParse(ServerConnection link, ByteBuf frame) {
        int queryStart = ExtendedMessages.parseQueryStart(frame);
        if (plainUnnamed != null && ExtendedMessages.hasQueryAndTypes(frame, queryStart, plainUnnamed)) {
            statements.unnamed(plainUnnamed);
        } else {
            SessionStateScanner.Effects effects = SessionStateScanner.scan(frame, queryStart);
            applyEffects(link, effects);
            startupRestore.parsed(effects);
            byte[] queryAndTypes = ExtendedMessages.queryAndTypes(frame, queryStart);
            statements.unnamed(queryAndTypes);
            plainUnnamed = effects == SessionStateScanner.Effects.NONE ? queryAndTypes : null;
        }
        link.state().fillUnnamed(unnamedOwner);
        link.send(frame, Request.PARSE, Action.FORWARD);
    }

    private void onBind(ServerConnection link, ByteBuf frame) {
        link.activity().bind();
        String name = ExtendedMessages.bindStatement(frame);
        PreparedStatement held = name.isEmpty() ? null : statements.get(name);
        if (held != null && held.isRetired()) {
            // Binding a fresh copy would return rows the client's cached description does not match.
            frame.release();
            link.fake(BackendMessages.cachedPlanChanged(allocator));
            discardingUntilSync = true;
            return;
        }
        PreparedStatement statement = statementOnLink(link, name);
        if (cache != null) {
            byte[] queryAndTypes = statement != null ? statement.queryAndTypes()
                    : name.isEmpty() ? statements.unnamed() : null;
            if (queryAndTypes != null) {
                cache.onBind(queryAndTypes, CacheRequests.bindKey(queryAndTypes, frame), parameters,
                        link.transactionStatus() != 'I', pin != null, link.eventLoop());
            } else {
                // A statement pgferry did not see prepared (SQL PREPARE) may write anything.
                cache.onBindOfUnknownStatement();
            }
        }
        if (statement == null) {
            link.send(frame, Request.BIND, Action.FORWARD);
            return;
        }
        link.send(ExtendedMessages.renameBind(allocator, frame, statement.serverName()), Request.BIND, Action.FORWARD,
                sqlState -> {
                    if (SqlState.FEATURE_NOT_SUPPORTED.equals(sqlState)) {
                        // "cached plan must not change result type": drivers re-prepare, which must reach a new plan.
                        link.state().markStale(statement);
                        registry.retire(statement);
                        if (cache != null) {
                            cache.forgetDescription(statement.queryAndTypes());
                        }
                    }
                });
    }

    private void onDescribe(ServerConnection link, ByteBuf frame) {
        if (ExtendedMessages.target(frame) != 'S') {
            boolean unnamedPortal = cache != null && ExtendedMessages.targetName(frame).isEmpty();
            link.send(frame, Request.DESCRIBE, Action.FORWARD, unnamedPortal ? cache.onDescribePortal() : null);
            return;
        }
        PreparedStatement statement = statementOnLink(link, ExtendedMessages.targetName(frame));
        if (statement == null) {
            byte[] unnamed = ExtendedMessages.targetName(frame).isEmpty() ? statements.unnamed() : null;
            link.send(frame, Request.DESCRIBE, Action.FORWARD,
                    cache == null || unnamed == null ? null : cache.onDescribeStatement(unnamed, parameters));
            return;
        }
        frame.release();
        link.send(ExtendedMessages.describeOrClose(allocator, FrontendTag.DESCRIBE, (byte) 'S', statement.serverName()),
                Request.DESCRIBE, Action.FORWARD,
                cache == null ? null : cache.onDescribeStatement(statement.queryAndTypes(), parameters));
    }

    private void onClose(ServerConnection link, ByteBuf frame) {
        String name = ExtendedMessages.targetName(frame);
        if (ExtendedMessages.target(frame) != 'S' || name.isEmpty()) {
            link.send(frame, Request.CLOSE, Action.FORWARD);
            return;
        }
        // The server keeps the shared statement for other clients; closing an unknown name is not an error.
        frame.release();
        statements.remove(name);
        link.fake(BackendMessages.closeComplete(allocator));
    }

    /**
     * Makes sure the link has the statement a Bind or Describe names. Returns the registry entry to rename to, or
     * {@code null} to forward the message as it is: the unnamed statement (replayed here if needed), or a name the
     * client never prepared, which the server answers with 26000 and the client's own name.
     */
    private PreparedStatement statementOnLink(ServerConnection link, String name) {
        if (name.isEmpty()) {
            link.state().ensureUnnamed(unnamedOwner, statements.unnamed());
            return null;
        }
        PreparedStatement statement = statements.get(name);
        if (statement != null) {
            link.state().ensurePrepared(statement);
        }
        return statement;
    }

    /** Answers as PostgreSQL would, in order, then ignores the client's messages up to its Sync, as the server would. */
    private void fail(ServerConnection link, String sqlState, String message) {
        link.fake(BackendMessages.errorResponse(allocator, "ERROR", sqlState, message));
        discardingUntilSync = true;
    }

    /** The client's parameters start as its login defaults; from then on they follow its ParameterStatus messages. */
    void seedParameters(SessionParameters atLogin) {
        parameters = atLogin;
    }

    /** Records a ParameterStatus the client received: its own SET of a reported parameter. */
    void parameterReported(String name, String value) {
        String lowerCaseName = name.toLowerCase(Locale.ROOT);
        if (ParameterSync.settable(lowerCaseName)) {
            parameters = parameters.with(lowerCaseName, value);
        }
    }

    void close() {
        statements.clear();
    }
}
