package io.pgferry.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pgferry.cache.StatementAnalysis.Effect;
import io.pgferry.cache.StatementAnalysis.Hint;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.merge.Merge;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.WithItem;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Decides what a SQL text does from a real parse (JSqlParser), never from matching words in the text: names in
 * comments and string literals do not count. What cannot be parsed is never cached and, if it could write, counts
 * as a write to anything. Results are kept per text, so a statement is parsed once however often it runs.
 * Thread-safe.
 */
public final class StatementAnalyzer {
    /** Longer texts are not parsed (Hyperdrive's oversizedquery): a parse costs time on the event loop. */
    static final int MAX_QUERY_CHARS = 64 * 1024;
    private static final Pattern HINT = Pattern.compile(
            "/\\*\\s*pgferry:cache(?:\\s*=\\s*(off)|\\s+max-age\\s*=\\s*(\\d+)\\s*(ms|s|m|h)?)\\s*\\*/",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern LEADING_NOISE = Pattern.compile("\\A(?:\\s+|--[^\\n]*\\n?|/\\*.*?\\*/)*",
            Pattern.DOTALL);
    /** Commands that change no table's rows: transaction control, settings, cursors, LISTEN, PREPARE of a name. */
    private static final Set<String> CHANGE_NO_ROWS = Set.of("begin", "start", "commit", "end", "rollback", "abort",
            "savepoint", "release", "set", "reset", "show", "deallocate", "discard", "listen", "unlisten", "prepare",
            "close", "fetch", "move", "load", "checkpoint");
    private final Cache<String, StatementAnalysis> analyses = Caffeine.newBuilder().maximumSize(10_000)
            .executor(Runnable::run).build();

    /**
     * Analyzes {@code sql}. Texts that differ only in their numbers share one parse: drivers and pgbench in the
     * simple protocol send {@code ... WHERE aid = 4711} with a new number each time, and a parse costs far more
     * than a request. The hint is read from the text itself.
     */
    public StatementAnalysis analyze(String sql) {
        StatementAnalysis shape = analyses.get(withoutNumbers(sql), text -> parse(text, Hint.NONE));
        Hint hint = hint(sql);
        return hint == Hint.NONE ? shape
                : new StatementAnalysis(shape.effect(), shape.refusal(), shape.tables(), shape.functions(), hint,
                        shape.readOnly());
    }

    /**
     * {@code sql} with every numeric literal outside quotes written as {@code 0}: the same statement to the parser,
     * for what the cache asks of it (tables, functions, kind). Digits in names, parameters ({@code $1}), quoted
     * strings and identifiers stay.
     */
    static String withoutNumbers(String sql) {
        StringBuilder out = null;
        int length = sql.length();
        int copied = 0;
        for (int i = 0; i < length; i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int close = sql.indexOf(c, i + 1);
                i = close < 0 ? length : close;
            } else if (c >= '0' && c <= '9' && (i == 0 || !isNamePart(sql.charAt(i - 1)))) {
                int end = i;
                while (end < length && sql.charAt(end) >= '0' && sql.charAt(end) <= '9') {
                    end++;
                }
                if (end - i > 1 || c != '0') {
                    out = out == null ? new StringBuilder(length) : out;
                    out.append(sql, copied, i).append('0');
                    copied = end;
                }
                i = end - 1;
            }
        }
        return out == null ? sql : out.append(sql, copied, length).toString();
    }

    private static boolean isNamePart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    static StatementAnalysis parse(String sql) {
        return parse(sql, hint(sql));
    }

    private static StatementAnalysis parse(String sql, Hint hint) {
        String keyword = leadingKeyword(sql);
        if (CHANGE_NO_ROWS.contains(keyword)) {
            return StatementAnalysis.none(hint, CacheStatus.NOTAQUERY);
        }
        if (sql.length() > MAX_QUERY_CHARS) {
            return StatementAnalysis.anything(hint, CacheStatus.OVERSIZEDQUERY);
        }
        Statements statements;
        try {
            statements = CCJSqlParserUtil.newParser(sql).Statements();
        } catch (Exception | StackOverflowError e) {
            return StatementAnalysis.anything(hint, CacheStatus.PARSEERROR);
        }
        if (statements == null || statements.isEmpty()) {
            return StatementAnalysis.none(hint, CacheStatus.NOTAQUERY);
        }
        if (statements.size() > 1) {
            return multiple(statements, hint);
        }
        return single(statements.get(0), hint);
    }

    /** Several statements in one Query: never cached; their writes add up. */
    private static StatementAnalysis multiple(Statements statements, Hint hint) {
        Set<String> written = new HashSet<>();
        Set<String> functions = new HashSet<>();
        for (Statement statement : statements) {
            StatementAnalysis one = single(statement, hint);
            if (one.effect() == Effect.ANYTHING) {
                return StatementAnalysis.anything(hint, CacheStatus.MULTIPLESTATEMENTS);
            }
            if (one.effect() == Effect.WRITE) {
                written.addAll(one.tables());
            }
            functions.addAll(one.functions());
        }
        Effect effect = written.isEmpty() ? Effect.NONE : Effect.WRITE;
        return new StatementAnalysis(effect, CacheStatus.MULTIPLESTATEMENTS, Set.copyOf(written), Set.copyOf(functions),
                hint, false);
    }

    private static StatementAnalysis single(Statement statement, Hint hint) {
        if (statement instanceof UnsupportedStatement) {
            return StatementAnalysis.anything(hint, CacheStatus.PARSEERROR);
        }
        SyntaxWalker walker = new SyntaxWalker();
        Set<String> tables;
        try {
            tables = walker.tablesOf(statement);
        } catch (RuntimeException e) {
            // The walker does not know every statement type: a DDL statement, most likely.
            return StatementAnalysis.anything(hint, CacheStatus.NOTAQUERY);
        }
        Set<String> functions = Set.copyOf(walker.functions());
        if (statement instanceof Insert || statement instanceof Update || statement instanceof Delete
                || statement instanceof Merge || statement instanceof Select select && modifiesData(select)) {
            return new StatementAnalysis(Effect.WRITE, CacheStatus.NOTAQUERY, tables, functions, hint, false);
        }
        if (!(statement instanceof Select select)) {
            return StatementAnalysis.anything(hint, CacheStatus.NOTAQUERY);
        }
        if (walker.selectsInto()) {
            return StatementAnalysis.anything(hint, CacheStatus.NOTAQUERY);
        }
        boolean locks = select.getForMode() != null || walker.locks();
        CacheStatus refusal = locks ? CacheStatus.NOTAQUERY
                : walker.readsTime() ? CacheStatus.VOLATILE
                : walker.callsUnknownFunction() ? CacheStatus.UNCACHEABLE : null;
        return new StatementAnalysis(refusal == null ? Effect.READ : Effect.NONE, refusal, tables, functions, hint,
                !locks && !walker.callsUnknownFunction());
    }

    /** A data-modifying WITH: {@code WITH d AS (DELETE ... RETURNING *) SELECT ...}. */
    private static boolean modifiesData(Select select) {
        if (select.getWithItemsList() == null) {
            return false;
        }
        for (WithItem<?> item : select.getWithItemsList()) {
            if (item.getInsert() != null || item.getUpdate() != null || item.getDelete() != null) {
                return true;
            }
        }
        return false;
    }

    private static String leadingKeyword(String sql) {
        Matcher noise = LEADING_NOISE.matcher(sql);
        int start = noise.lookingAt() ? noise.end() : 0;
        int end = start;
        while (end < sql.length() && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        return sql.substring(start, end).toLowerCase(Locale.ROOT);
    }

    static Hint hint(String sql) {
        if (sql.indexOf("pgferry:") < 0) {
            return Hint.NONE;
        }
        Matcher matcher = HINT.matcher(sql);
        if (!matcher.find()) {
            return Hint.NONE;
        }
        if (matcher.group(1) != null) {
            return new Hint(true, null);
        }
        long amount = Long.parseLong(matcher.group(2));
        String unit = matcher.group(3) == null ? "s" : matcher.group(3).toLowerCase(Locale.ROOT);
        Duration maxAge = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        return new Hint(false, maxAge);
    }
}
