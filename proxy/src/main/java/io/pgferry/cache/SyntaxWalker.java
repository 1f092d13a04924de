package io.pgferry.cache;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.ExtractExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.JsonAggregateFunction;
import net.sf.jsqlparser.expression.JsonFunction;
import net.sf.jsqlparser.expression.NextValExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Walks one parsed statement for what the cache needs beyond its tables: the functions it calls, and the ways
 * it can read the clock or the session without calling a function ({@code current_date}, {@code 'now'::date}).
 * One instance per statement; not thread-safe.
 */
final class SyntaxWalker extends TablesNamesFinder<Void> {
    /** SQL value functions that read what the cache key holds or nothing that changes within a session. */
    private static final Set<String> STEADY_KEYWORDS = Set.of("current_user", "session_user", "user", "current_role",
            "current_catalog", "current_schema");
    /** Date and time input strings PostgreSQL evaluates when the statement runs. */
    private static final Set<String> TIME_WORDS = Set.of("now", "today", "tomorrow", "yesterday");
    private final Set<String> functions = new HashSet<>();
    private boolean readsTime;
    private boolean callsUnknownFunction;
    private boolean selectsInto;
    private boolean locks;

    /** The tables {@code statement} names (not its WITH names), unqualified as the catalog lookup wants them. */
    Set<String> tablesOf(Statement statement) {
        Set<String> names = new HashSet<>();
        for (String name : getTables(statement)) {
            names.add(unqualified(name));
        }
        return Set.copyOf(names);
    }

    /** The last part of a possibly qualified name: unquoted names fold to lower case, as PostgreSQL folds them. */
    static String unqualified(String name) {
        String last = name;
        if (!name.endsWith("\"")) {
            last = name.substring(name.lastIndexOf('.') + 1);
        } else {
            int open = name.lastIndexOf('"', name.length() - 2);
            return name.substring(open + 1, name.length() - 1);
        }
        return last.startsWith("\"") ? last.substring(1, last.length() - 1) : last.toLowerCase(Locale.ROOT);
    }

    Set<String> functions() {
        return functions;
    }

    boolean readsTime() {
        return readsTime;
    }

    boolean callsUnknownFunction() {
        return callsUnknownFunction;
    }

    boolean selectsInto() {
        return selectsInto;
    }

    boolean locks() {
        return locks;
    }

    private void called(String name) {
        if (name == null) {
            callsUnknownFunction = true;
        } else {
            functions.add(unqualified(name));
        }
    }

    @Override
    public <S> Void visit(Function function, S context) {
        called(function.getName());
        return super.visit(function, context);
    }

    @Override
    public <S> Void visit(AnalyticExpression expression, S context) {
        called(expression.getName());
        return super.visit(expression, context);
    }

    @Override
    public <S> Void visit(TableFunction function, S context) {
        called(function.getFunction() == null ? null : function.getFunction().getName());
        return super.visit(function, context);
    }

    @Override
    public <S> Void visit(ExtractExpression expression, S context) {
        // EXTRACT of a timestamptz depends on TimeZone, which the key holds, but it is STABLE: as the catalog says.
        called("extract");
        return super.visit(expression, context);
    }

    @Override
    public <S> Void visit(TimeKeyExpression expression, S context) {
        if (!STEADY_KEYWORDS.contains(expression.getStringValue().toLowerCase(Locale.ROOT))) {
            readsTime = true;
        }
        return super.visit(expression, context);
    }

    @Override
    public <S> Void visit(StringValue value, S context) {
        if (TIME_WORDS.contains(value.getValue().trim().toLowerCase(Locale.ROOT))) {
            readsTime = true;
        }
        return super.visit(value, context);
    }

    @Override
    public <S> Void visit(NextValExpression expression, S context) {
        called("nextval");
        return super.visit(expression, context);
    }

    @Override
    public <S> Void visit(JsonFunction function, S context) {
        callsUnknownFunction = true;
        return super.visit(function, context);
    }

    @Override
    public <S> Void visit(JsonAggregateFunction function, S context) {
        callsUnknownFunction = true;
        return super.visit(function, context);
    }

    @Override
    public <S> Void visit(PlainSelect select, S context) {
        if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
            selectsInto = true;
        }
        if (select.getForMode() != null) {
            locks = true;
        }
        return super.visit(select, context);
    }
}
