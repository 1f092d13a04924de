package io.pgferry.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.cache.StatementAnalysis.Effect;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatementAnalyzerTest {
    private static StatementAnalysis analyze(String sql) {
        return StatementAnalyzer.parse(sql);
    }

    @Test
    void aPlainSelectIsAReadOfItsTablesAndFunctions() {
        StatementAnalysis analysis = analyze("SELECT upper(name) FROM public.Items i JOIN \"Tags\" t ON t.id = i.id");
        assertEquals(Effect.READ, analysis.effect());
        assertNull(analysis.refusal());
        assertEquals(Set.of("items", "Tags"), analysis.tables());
        assertEquals(Set.of("upper"), analysis.functions());
    }

    @Test
    void namesInCommentsAndLiteralsAreNotCalls() {
        StatementAnalysis analysis = analyze("/* now() */ SELECT 'random()' AS x -- nextval('s')\n");
        assertEquals(Effect.READ, analysis.effect());
        assertEquals(Set.of(), analysis.functions());
    }

    @Test
    void timeWithoutAFunctionCallIsVolatile() {
        assertEquals(CacheStatus.VOLATILE, analyze("SELECT current_date").refusal());
        assertEquals(CacheStatus.VOLATILE, analyze("SELECT 'today'::date").refusal());
        assertNull(analyze("SELECT current_user").refusal());
    }

    @Test
    void writesNameTheirTablesAndLockingOrIntoIsNoRead() {
        StatementAnalysis update = analyze("UPDATE accounts SET balance = balance + 1 WHERE id = 3");
        assertEquals(Effect.WRITE, update.effect());
        assertEquals(Set.of("accounts"), update.tables());
        // A data-modifying WITH is never a read; JSqlParser does not walk it, so it counts as a write to anything.
        assertEquals(Effect.ANYTHING, analyze("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d").effect());
        assertEquals(Effect.NONE, analyze("SELECT * FROM t FOR UPDATE").effect());
        assertEquals(Effect.ANYTHING, analyze("SELECT * INTO copy FROM t").effect());
        assertEquals(Effect.ANYTHING, analyze("CREATE TABLE x (id int)").effect());
        assertEquals(Effect.ANYTHING, analyze("DO $$ BEGIN PERFORM 1; END $$").effect());
    }

    /** What read routing may send to a standby: the function names decide the rest, with the catalog. */
    @Test
    void onlyASingleSelectThatLocksNothingAndNamesItsFunctionsIsReadOnly() {
        assertTrue(analyze("SELECT count(*), now() FROM t WHERE id = $1").readOnly(), "time is fine on a standby");
        assertFalse(analyze("SELECT * FROM t FOR UPDATE").readOnly());
        assertFalse(analyze("SELECT * INTO copy FROM t").readOnly());
        assertFalse(analyze("SELECT 1; SELECT 2").readOnly());
        assertFalse(analyze("UPDATE t SET a = 1").readOnly());
        assertFalse(analyze("SHOW search_path").readOnly());
    }

    @Test
    void sessionCommandsChangeNothingAndSeveralStatementsAreNeverCached() {
        assertEquals(Effect.NONE, analyze("BEGIN").effect());
        assertEquals(Effect.NONE, analyze("SET search_path = app").effect());
        StatementAnalysis several = analyze("SELECT 1; UPDATE t SET a = 1");
        assertEquals(Effect.WRITE, several.effect());
        assertEquals(CacheStatus.MULTIPLESTATEMENTS, several.refusal());
    }

    @Test
    void hintsTurnTheCacheOffOrSetTheirOwnAge() {
        assertTrue(analyze("/* pgferry:cache=off */ SELECT 1").hint().off());
        assertEquals(Duration.ofSeconds(300), analyze("SELECT 1 /* pgferry:cache max-age=300s */").hint().maxAge());
        assertEquals(StatementAnalysis.Hint.NONE, analyze("SELECT 1").hint());
    }

    @Test
    void textsThatDifferInTheirNumbersShareOneParse() {
        assertEquals("SELECT abalance FROM pgbench_accounts WHERE aid = 0 AND t2.x = $1 AND s = '42'",
                StatementAnalyzer.withoutNumbers(
                        "SELECT abalance FROM pgbench_accounts WHERE aid = 4711 AND t2.x = $1 AND s = '42'"));
        StatementAnalyzer analyzer = new StatementAnalyzer();
        assertEquals(analyzer.analyze("SELECT 1 FROM t WHERE a = 5"), analyzer.analyze("SELECT 1 FROM t WHERE a = 6"));
        assertTrue(analyzer.analyze("/* pgferry:cache=off */ SELECT 1 FROM t WHERE a = 7").hint().off());
    }

    @Test
    void whatCannotBeParsedMayWriteAnything() {
        StatementAnalysis analysis = analyze("SELECT FROM WHERE ((");
        assertEquals(Effect.ANYTHING, analysis.effect());
        assertEquals(CacheStatus.PARSEERROR, analysis.refusal());
    }
}
