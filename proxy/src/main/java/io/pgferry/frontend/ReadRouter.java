package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.pgferry.cache.Catalog;
import io.pgferry.cache.CatalogSource;
import io.pgferry.cache.ResultCaches;
import io.pgferry.cache.StatementAnalysis;
import io.pgferry.cache.StatementAnalyzer;
import io.pgferry.pool.ServerPool;
import io.pgferry.protocol.ExtendedMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Read routing (read-routing = auto) for one client: whether its next batch of requests goes to a standby. It does
 * only if it is complete (it ends with Sync or a simple Query, so the link comes back) and every statement it runs
 * is read-only: a SELECT that locks nothing and calls no function that may write, as the parser and the database's
 * catalog say. A client that sent a statement that may write keeps reading from the
 * primary until read-your-writes-window has passed since that link came back, so it sees its own writes; SET,
 * SHOW and transaction control go to the primary without counting as writes.
 *
 * <p>It keeps its own record of what each of the client's statement names does, updated as batches are
 * dispatched, because the forwarder's statements belong to the link's loop. Confined to the client's loop.
 */
final class ReadRouter {
    /** What a statement does, for routing: runs on a standby, needs the primary, or may write there. */
    enum Kind { READ, OTHER, WRITE }

    /** Asks for the catalog to be read again if it is due; {@code unknownName}: a statement used a name it lacks. */
    @FunctionalInterface
    interface CatalogWanted {
        void refresh(boolean unknownName);
    }

    private static final int RECENT = 8;
    /** How old the catalog may grow before it is read again, unless a statement names what it lacks. */
    private static final Duration CATALOG_MAX_AGE = Duration.ofMinutes(1);
    private final StatementAnalyzer analyzer;
    private final CatalogSource catalog;
    private final CatalogWanted catalogWanted;
    private final long windowNanos;
    private final Map<String, Kind> named = new HashMap<>();
    private Kind unnamed = Kind.WRITE;
    /**
     * The last few statement texts judged and their kinds, judged by {@link #judgedBy}: a client repeats a handful
     * of texts (a TPC-B transaction has seven), and decoding and looking one up again costs more than comparing.
     */
    private final ByteBuf[] recentTexts = new ByteBuf[RECENT];
    private final Kind[] recentKinds = new Kind[RECENT];
    private int nextRecent;
    private Catalog judgedBy;
    /** Something that may write went to the primary since its link last came back. */
    private boolean writing;
    private boolean everWrote;
    private long lastWriteNanos;

    /**
     * The router of a client of {@code database} whose reads go to {@code reads}; the database's catalog is read
     * through that pool, as the routed reads are, on the client's loop.
     */
    static ReadRouter forClient(ResultCaches caches, String database, ServerPool reads, Supplier<EventLoop> loop,
                                Duration readYourWritesWindow) {
        CatalogSource catalog = caches.catalog(database);
        return new ReadRouter(caches.analyzer(), catalog,
                unknownName -> catalog.refresh(reads, loop.get(), CATALOG_MAX_AGE, unknownName), readYourWritesWindow);
    }

    ReadRouter(StatementAnalyzer analyzer, CatalogSource catalog, CatalogWanted catalogWanted,
               Duration readYourWritesWindow) {
        this.analyzer = analyzer;
        this.catalog = catalog;
        this.catalogWanted = catalogWanted;
        this.windowNanos = readYourWritesWindow.toNanos();
    }

    /** What {@code batch} does, judged without changing what this router knows (it may be judged again). */
    Verdict judge(List<ByteBuf> batch) {
        Verdict verdict = new Verdict();
        byte last = 0;
        for (ByteBuf frame : batch) {
            last = Messages.type(frame);
            switch (last) {
                case FrontendTag.QUERY -> verdict.add(kind(frame, frame.readerIndex() + Messages.BODY));
                case FrontendTag.PARSE -> {
                    Kind kind = kind(frame, ExtendedMessages.parseQueryStart(frame));
                    verdict.add(kind);
                    verdict.prepared(ExtendedMessages.parseName(frame), kind);
                }
                case FrontendTag.BIND -> verdict.add(verdict.kindOf(ExtendedMessages.bindStatement(frame)));
                case FrontendTag.CLOSE -> {
                    if (ExtendedMessages.target(frame) == 'S') {
                        verdict.prepared(ExtendedMessages.targetName(frame), null);
                    }
                }
                case FrontendTag.DESCRIBE, FrontendTag.EXECUTE, FrontendTag.SYNC, FrontendTag.FLUSH -> { }
                default -> verdict.add(Kind.WRITE);
            }
        }
        if (last != FrontendTag.SYNC && last != FrontendTag.QUERY) {
            verdict.add(Kind.OTHER);
        }
        return verdict;
    }

    /** The kind of the statement text at {@code textStart}, remembered for the next message with the same text. */
    private Kind kind(ByteBuf frame, int textStart) {
        int length = frame.indexOf(textStart, frame.writerIndex(), (byte) 0) - textStart;
        if (length < 0) {
            return Kind.WRITE;
        }
        Catalog current = catalog.current();
        if (current != judgedBy) {
            Arrays.fill(recentTexts, null);
            judgedBy = current;
        }
        for (int i = 0; i < RECENT; i++) {
            ByteBuf text = recentTexts[i];
            if (text != null && text.readableBytes() == length && ByteBufUtil.equals(frame, textStart, text, 0, length)) {
                return recentKinds[i];
            }
        }
        StatementAnalysis analysis = analyzer.analyze(frame.toString(textStart, length, StandardCharsets.UTF_8));
        Kind kind = kind(analysis);
        // A write only because of its functions is judged again next time: the catalog may yet learn them.
        if (kind != Kind.WRITE || analysis.functions().isEmpty()) {
            recentTexts[nextRecent] = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(frame, textStart, length));
            recentKinds[nextRecent] = kind;
            nextRecent = (nextRecent + 1) % RECENT;
        }
        return kind;
    }

    private Kind kind(StatementAnalysis analysis) {
        boolean mayWrite = false;
        if (!analysis.functions().isEmpty()) {
            mayWrite = Catalog.callsWriter(analysis, catalog.current());
            catalogWanted.refresh(mayWrite);
        }
        if (mayWrite || analysis.effect() == StatementAnalysis.Effect.WRITE
                || analysis.effect() == StatementAnalysis.Effect.ANYTHING) {
            return Kind.WRITE;
        }
        return analysis.readOnly() ? Kind.READ : Kind.OTHER;
    }

    /** Whether a batch judged {@code verdict} goes to a standby when the client holds no link, as of {@code now}. */
    boolean toStandby(Verdict verdict, long now) {
        boolean wroteRecently = writing || everWrote && now - lastWriteNanos < windowNanos;
        return verdict.readOnly && !wroteRecently;
    }

    /** The batch judged {@code verdict} was dispatched. */
    void dispatched(Verdict verdict) {
        if (verdict.unnamed != null) {
            unnamed = verdict.unnamed;
        }
        verdict.named.forEach((name, kind) -> {
            if (kind == null) {
                named.remove(name);
            } else {
                named.put(name, kind);
            }
        });
        writing |= verdict.writes;
    }

    /** The client gave a link back at {@code now}: its writes, if it made any, are visible from here on. */
    void linkReleased(long now) {
        if (writing) {
            writing = false;
            everWrote = true;
            lastWriteNanos = now;
        }
    }

    /**
     * The judgement of one batch: whether a standby can run all of it, whether it may write, and the statements it
     * prepares or closes. A statement name pgferry never saw prepared may write.
     */
    final class Verdict {
        private boolean readOnly = true;
        private boolean writes;
        /** What the batch's last unnamed Parse prepares, or {@code null} if it has none. */
        private Kind unnamed;
        /** Names prepared or closed (a null value); most batches have none, and share this empty map. */
        private Map<String, Kind> named = Map.of();

        boolean readOnly() {
            return readOnly;
        }

        private void add(Kind kind) {
            readOnly &= kind == Kind.READ;
            writes |= kind == Kind.WRITE;
        }

        private void prepared(String name, Kind kind) {
            if (name.isEmpty()) {
                // Closing the unnamed statement leaves none: a Bind of it would fail on any server.
                unnamed = kind == null ? Kind.WRITE : kind;
                return;
            }
            if (named.isEmpty()) {
                named = new HashMap<>(4);
            }
            named.put(name, kind);
        }

        private Kind kindOf(String name) {
            if (name.isEmpty()) {
                return unnamed != null ? unnamed : ReadRouter.this.unnamed;
            }
            if (named.containsKey(name)) {
                Kind kind = named.get(name);
                return kind == null ? Kind.WRITE : kind;
            }
            return ReadRouter.this.named.getOrDefault(name, Kind.WRITE);
        }
    }
}
