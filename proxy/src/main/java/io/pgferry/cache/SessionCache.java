package io.pgferry.cache;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.pgferry.backend.ReplyTap;
import io.pgferry.cache.StatementAnalysis.Effect;
import io.pgferry.pool.ServerPool;
import io.pgferry.protocol.Messages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client's use of its database's result cache. On the client's loop it looks requests up; on the link's
 * loop it decides, for each request forwarded, whether its result is recorded (a cacheable read outside a
 * transaction) and which writes it makes, and drops the entries those writes changed when their transaction ends,
 * before the client can see the ReadyForQuery (read-your-writes). Each Sync group of the extended protocol records
 * one result at most: the group's only Execute, with the Describe of its portal.
 */
public final class SessionCache {
    private final DatabaseCache cache;
    private final StatementAnalyzer analyzer;
    private final String user;
    private final ServerPool pool;
    /** Tables written in the open transaction, dropped when it ends (link loop). */
    private final Set<String> pendingWrites = new HashSet<>();
    private boolean pendingAnything;
    /** The Sync group being forwarded (link loop): its recorder, and the writes it makes. */
    private ResultRecorder groupRecorder;
    private int groupExecutes;
    private final Set<String> groupWrites = new HashSet<>();
    private boolean groupAnything;
    /** The fill this client claimed at its last miss, until its request's recorder takes it (any thread). */
    private final AtomicReference<ClaimedFill> claimed = new AtomicReference<>();

    private record ClaimedFill(CacheKey key, PendingFill fill) {
    }

    /** What a lookup found: a result to serve, another client's fill to wait for, or neither (go upstream). */
    public record Found(CachedResult result, PendingFill inFlight) {
        static final Found NOTHING = new Found(null, null);
    }

    public SessionCache(DatabaseCache cache, StatementAnalyzer analyzer, String user, ServerPool pool) {
        this.cache = cache;
        this.analyzer = analyzer;
        this.user = user;
        this.pool = pool;
    }

    /** The text of a Parse's query-and-types bytes (up to its terminating zero). */
    public static String text(byte[] queryAndTypes) {
        int end = 0;
        while (end < queryAndTypes.length && queryAndTypes[end] != 0) {
            end++;
        }
        return new String(queryAndTypes, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Looks a read up on the client's loop when no transaction is open. {@code describe}: the request asks for the
     * RowDescription, which the entry must then have. On a miss, the first client claims the fill and goes
     * upstream (counted when forwarded); the others get the fill in flight to wait for; anything not cacheable
     * finds nothing.
     */
    public Found lookup(String text, byte[] request, Object settings, boolean describe, EventLoop loop) {
        StatementAnalysis analysis = analyzer.analyze(text);
        if (refusal(analysis, loop) != null) {
            return Found.NOTHING;
        }
        CacheKey key = new CacheKey(user, settings, request);
        DatabaseCache.Lookup found = cache.lookup(key, System.nanoTime());
        if (found.result() != null && (!describe || found.result().rowDescription() != null)) {
            cache.counters().count(found.status());
            return new Found(found.result(), null);
        }
        if (found.status() == CacheStatus.INVALIDATED) {
            cache.counters().count(CacheStatus.INVALIDATED);
        }
        PendingFill mine = new PendingFill();
        PendingFill inFlight = cache.claimFill(key, mine);
        if (inFlight == null) {
            endClaim(claimed.getAndSet(new ClaimedFill(key, mine)));
            return Found.NOTHING;
        }
        return new Found(null, inFlight);
    }

    /**
     * Looks a read up without claiming or waiting for a fill: for a session-mode client, answered on its link's
     * loop in order with its other replies. {@code null} if the cache has nothing to serve.
     */
    public CachedResult peek(String text, byte[] request, Object settings, boolean describe, EventLoop loop) {
        // A request this client claimed to fill (or refresh) goes upstream: others wait for its result.
        if (claimed.get() != null || refusal(analyzer.analyze(text), loop) != null) {
            return null;
        }
        DatabaseCache.Lookup found = cache.lookup(new CacheKey(user, settings, request), System.nanoTime());
        if (found.result() == null || describe && found.result().rowDescription() == null) {
            return null;
        }
        cache.counters().count(found.status());
        return found.result();
    }

    /** The client waits for another client's fill instead of going upstream: a coalesced miss. */
    public void waitsForFill() {
        cache.counters().coalesced();
    }

    private void endClaim(ClaimedFill claim) {
        if (claim != null) {
            cache.endFill(claim.key(), claim.fill());
        }
    }

    /** The client left: a fill it claimed and never sent ends, so nobody waits for it. */
    public void close() {
        endClaim(claimed.getAndSet(null));
    }

    /** Why a read may not be cached, or {@code null}; asks for the catalog when it is missing or lacks a name. */
    private CacheStatus refusal(StatementAnalysis analysis, EventLoop loop) {
        if (analysis.hint().off()) {
            return CacheStatus.UNCACHEABLE;
        }
        if (analysis.effect() != Effect.READ) {
            return analysis.refusal() != null ? analysis.refusal() : CacheStatus.NOTAQUERY;
        }
        Catalog catalog = cache.catalog();
        CacheStatus refusal = catalog == null ? CacheStatus.UNCACHEABLE : catalog.refusal(analysis);
        cache.refreshCatalog(pool, loop, refusal != null);
        return refusal;
    }

    /**
     * Link loop: a simple Query is being forwarded, in a transaction or not ({@code inTransaction}, as the link
     * last said) and by a client pinned to its server or not. Returns the tap its replies must pass, or {@code null}.
     */
    public ReplyTap onQuery(String text, byte[] request, Object settings, boolean inTransaction, boolean pinned,
                            EventLoop loop) {
        StatementAnalysis analysis = analyzer.analyze(text);
        ResultRecorder recorder = recorderFor(analysis, request, settings, inTransaction, pinned, loop);
        WriteTap writes = writesOf(analysis);
        return recorder == null ? writes : writes == null ? recorder : new BothTaps(recorder, writes);
    }

    /** Link loop: a Bind of the statement {@code queryAndTypes} starts the next result of the Sync group. */
    public void onBind(byte[] queryAndTypes, byte[] request, Object settings, boolean inTransaction, boolean pinned,
                       EventLoop loop) {
        StatementAnalysis analysis = analyzer.analyze(text(queryAndTypes));
        if (groupRecorder != null) {
            groupRecorder.spoil();
        }
        groupRecorder = groupExecutes == 0
                ? recorderFor(analysis, request, settings, inTransaction, pinned, loop) : null;
        WriteTap writes = writesOf(analysis);
        if (writes != null) {
            groupWrites.addAll(writes.tables);
            groupAnything |= writes.anything;
        }
    }

    /** Link loop: a Bind of a statement whose text is unknown (prepared before pgferry saw it) may write anything. */
    public void onBindOfUnknownStatement() {
        groupAnything = true;
    }

    /** Link loop: the tap for a Describe of the statement {@code queryAndTypes}: its description is kept. */
    public ReplyTap onDescribeStatement(byte[] queryAndTypes, Object settings) {
        return cache.descriptions().recorder(queryAndTypes, settings);
    }

    /** A server refused the statement's plan (0A000): what it said of the statement before may be wrong now. */
    public void forgetDescription(byte[] queryAndTypes) {
        cache.descriptions().forget(queryAndTypes);
    }

    /** Client loop: the description a server gave of the statement {@code queryAndTypes}, or {@code null}. */
    public byte[] description(byte[] queryAndTypes, Object settings) {
        return cache.descriptions().of(queryAndTypes, settings);
    }

    /** Link loop: the tap for a Describe of the unnamed portal. */
    public ReplyTap onDescribePortal() {
        return groupRecorder;
    }

    /** Link loop: the tap for an Execute; only the group's first, unlimited Execute of the unnamed portal counts. */
    public ReplyTap onExecute(ByteBuf execute) {
        int at = execute.readerIndex() + Messages.BODY;
        boolean unlimited = execute.getByte(at) == 0 && execute.getInt(at + 1) == 0;
        if (groupExecutes++ > 0 || !unlimited) {
            if (groupRecorder != null) {
                groupRecorder.spoil();
            }
            groupRecorder = null;
        }
        return groupRecorder;
    }

    /** Link loop: the tap for the Sync that ends the group. */
    public ReplyTap onSync() {
        endClaim(claimed.getAndSet(null));
        ResultRecorder recorder = groupRecorder;
        WriteTap writes = groupWrites.isEmpty() && !groupAnything ? null
                : new WriteTap(Set.copyOf(groupWrites), groupAnything);
        groupRecorder = null;
        groupExecutes = 0;
        groupWrites.clear();
        groupAnything = false;
        return recorder == null ? writes : writes == null ? recorder : new BothTaps(recorder, writes);
    }

    /** Link loop: every ReadyForQuery the client gets; when outside a transaction, its writes' entries go. */
    public void transactionStatus(byte status) {
        if (status != 'I' || pendingWrites.isEmpty() && !pendingAnything) {
            return;
        }
        if (pendingAnything) {
            cache.invalidateAll();
        } else {
            cache.invalidate(pendingWrites);
        }
        pendingWrites.clear();
        pendingAnything = false;
    }

    private ResultRecorder recorderFor(StatementAnalysis analysis, byte[] request, Object settings,
                                       boolean inTransaction, boolean pinned, EventLoop loop) {
        CacheStatus refusal = inTransaction ? CacheStatus.TRANSACTION
                : pinned ? CacheStatus.UNCACHEABLE : refusal(analysis, loop);
        cache.counters().count(refusal == null ? CacheStatus.MISS : refusal);
        CacheKey key = refusal == null ? new CacheKey(user, settings, request) : null;
        ClaimedFill claim = claimed.getAndSet(null);
        if (refusal != null) {
            endClaim(claim);
            return null;
        }
        Duration maxAge = analysis.hint().maxAge() != null ? analysis.hint().maxAge() : cache.settings().maxAge();
        String[] tables = analysis.tables().toArray(String[]::new);
        ResultRecorder recorder = new ResultRecorder(cache, key, tables, cache.stamp(analysis.tables()), maxAge);
        if (claim != null && claim.key().equals(key)) {
            recorder.fills(claim.fill());
        } else {
            endClaim(claim);
        }
        return recorder;
    }

    /** The writes a statement makes, or {@code null} if it changes nothing the cache holds. */
    private WriteTap writesOf(StatementAnalysis analysis) {
        Catalog catalog = cache.catalog();
        return switch (analysis.effect()) {
            case WRITE -> catalog != null && catalog.writesOnlyNamedTables(analysis)
                    ? new WriteTap(analysis.tables(), false) : new WriteTap(Set.of(), true);
            case ANYTHING -> new WriteTap(Set.of(), true);
            // A read may still write through the functions it calls.
            case READ, NONE -> Catalog.callsWriter(analysis, catalog) ? new WriteTap(Set.of(), true) : null;
        };
    }

    /** Adds a write's tables to the transaction's when its ReadyForQuery arrives; drops them if it ended there. */
    private final class WriteTap implements ReplyTap {
        private final Set<String> tables;
        private final boolean anything;

        WriteTap(Set<String> tables, boolean anything) {
            this.tables = tables;
            this.anything = anything;
        }

        @Override
        public void readyForQuery(byte transactionStatus) {
            pendingWrites.addAll(tables);
            pendingAnything |= anything;
            transactionStatus(transactionStatus);
        }

        /**
         * The write failed, or its link closed before its ReadyForQuery: it may have committed all the same (a
         * connection lost after COMMIT), so what it may have changed is dropped now.
         */
        @Override
        public void failed() {
            pendingWrites.addAll(tables);
            pendingAnything |= anything;
            transactionStatus((byte) 'I');
        }
    }

    /** A request that both reads a cacheable result and writes (a read calling a writing function cannot be). */
    private record BothTaps(ReplyTap first, ReplyTap second) implements ReplyTap {
        @Override
        public void reply(ByteBuf message) {
            first.reply(message);
            second.reply(message);
        }

        @Override
        public void failed() {
            first.failed();
            second.failed();
        }

        @Override
        public void readyForQuery(byte transactionStatus) {
            first.readyForQuery(transactionStatus);
            second.readyForQuery(transactionStatus);
        }
    }
}
