package io.pgferry.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.ProtocolViolation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionStateScannerTest {
    /** Scans {@code sql} as it arrives: UTF-8 and NUL-terminated, inside a message. */
    private static SessionStateScanner.Effects scan(String sql) {
        ByteBuf message = Unpooled.copiedBuffer("Q....." + sql + "\0", StandardCharsets.UTF_8);
        try {
            return SessionStateScanner.scan(message, 6);
        } finally {
            message.release();
        }
    }

    private static PinReason pin(String sql) {
        return scan(sql).pin();
    }

    @Test
    void plainQueriesAffectNothing() {
        assertSame(SessionStateScanner.Effects.NONE, scan("SELECT abalance FROM pgbench_accounts WHERE aid = $1"));
        assertSame(SessionStateScanner.Effects.NONE, scan("  update t set x = 1"));
        assertSame(SessionStateScanner.Effects.NONE, scan("SELECT pg_advisory_xact_lock(1)"));
        assertSame(SessionStateScanner.Effects.NONE, scan("BEGIN"));
        assertSame(SessionStateScanner.Effects.NONE, scan("SET LOCAL work_mem = '1MB'"));
        assertSame(SessionStateScanner.Effects.NONE, scan("CREATE TEMP TABLE t (x int) ON COMMIT DROP"));
        assertSame(SessionStateScanner.Effects.NONE, scan(
                "SELECT set_config('request.jwt.claims', '{\"sub\": \"x, y\"}', true)"), "transaction-local, as PostgREST sends it");
        assertSame(SessionStateScanner.Effects.NONE, scan("SELECT temperature INTO t2 FROM readings"));
        assertFalse(mayAffectSession("select 1"));
        assertFalse(mayAffectSession("SELECT abalance FROM pgbench_accounts WHERE aid = 7;\n"));
        assertFalse(mayAffectSession(" (SELECT 'ünïcödé', $1) "));
        assertTrue(mayAffectSession("SELECT 1; SELECT 2"));
        assertTrue(mayAffectSession("select pg_ADVISORY_lock(1)"));
        assertTrue(mayAffectSession("SELECT Set_Config('a', 'b', false)"));
        assertTrue(mayAffectSession("select * into TEMPORARY t from x"));
        assertTrue(mayAffectSession("RESET ALL"));
    }

    @Test
    void transactionControlIsToldApartWithoutDecoding() {
        for (String sql : List.of("BEGIN", "begin isolation level serializable", "END;", "COMMIT", "rollback",
                "ROLLBACK TO SAVEPOINT a", "SAVEPOINT a", "release savepoint a", "START TRANSACTION READ ONLY",
                "ABORT")) {
            assertFalse(mayAffectSession(sql), sql);
            assertSame(SessionStateScanner.Effects.NONE, scan(sql), sql);
        }
        assertTrue(mayAffectSession("BEGIN; SET search_path = x"));
        assertTrue(mayAffectSession("RESET search_path"));
        assertTrue(mayAffectSession("CREATE TEMP TABLE t (x int)"));
        assertTrue(mayAffectSession("analyze t"));
        assertEquals(List.of("search_path"), scan("BEGIN; SET search_path = x").setParameters());
    }

    @Test
    void textsLongerThanTheScratchArrayAreCheckedWhole() {
        String longList = "SELECT * FROM t WHERE id IN (" + "1, ".repeat(3000) + "1)";
        assertFalse(mayAffectSession(longList));
        assertTrue(mayAffectSession(longList + "; SELECT pg_advisory_lock(1)"));
        assertEquals(PinReason.ADVISORY_LOCK, pin(longList + "; SELECT pg_advisory_lock(1)"));
    }

    private static boolean mayAffectSession(String sql) {
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8);
        return SessionStateScanner.mayAffectSession(bytes, bytes.length);
    }

    @Test
    void sessionStateIsFoundWhereverItHides() {
        assertEquals(PinReason.LISTEN, pin("listen jobs"));
        assertEquals(PinReason.ADVISORY_LOCK, pin("SELECT pg_advisory_lock(42)"));
        assertEquals(PinReason.ADVISORY_LOCK, pin("select PG_TRY_ADVISORY_LOCK(1)"));
        assertEquals(PinReason.TEMP_TABLE, pin("CREATE TEMPORARY TABLE scratch (x int)"));
        assertEquals(PinReason.TEMP_TABLE, pin("SELECT 1; create local temp table s (x int)"));
        assertEquals(PinReason.TEMP_TABLE, pin("SELECT * INTO TEMP scratch FROM t"));
        assertEquals(PinReason.TEMP_TABLE, pin("select x into temporary table s from t"));
        assertEquals(PinReason.UNTRACKED_SET, pin("SELECT set_config('app.user_id', '42', false)"));
        assertEquals(PinReason.UNTRACKED_SET, pin("select SET_CONFIG('search_path', current_setting('x'), $1)"));
        assertEquals(PinReason.UNTRACKED_SET, pin("SELECT set_config('a,b', 'it''s', false)"));
        assertEquals(PinReason.CURSOR_WITH_HOLD, pin("DECLARE c CURSOR WITH HOLD FOR SELECT 1"));
        assertEquals(PinReason.SQL_PREPARE, pin("PREPARE q AS SELECT 1"));
        assertNull(pin("PREPARE TRANSACTION 'x'"));
        assertEquals(PinReason.LOAD, pin("LOAD 'auto_explain'"));
    }

    @Test
    void quotesAndCommentsAreNotStatements() {
        assertNull(pin("SELECT 'LISTEN x; CREATE TEMP TABLE y'"));
        assertNull(pin("SELECT $tag$; LISTEN x$tag$"));
        assertNull(pin("SELECT 1 -- ; LISTEN x"));
        assertNull(pin("/* LISTEN x; */ SELECT 1"));
    }

    @Test
    void setNamesTheParameterAndDeallocateTheStatement() {
        assertEquals(List.of("application_name"), scan("SET application_name = 'x'").setParameters());
        assertEquals(List.of("timezone"), scan("set time zone 'UTC'").setParameters());
        assertEquals(List.of("work_mem"), scan("SET SESSION work_mem TO '8MB'").setParameters());
        assertEquals("a1", scan("DEALLOCATE a1").deallocate());
        assertEquals("a1", scan("deallocate prepare A1").deallocate());
        assertTrue(scan("DEALLOCATE ALL").dropsAllStatements());
        assertTrue(scan("discard all").dropsAllStatements());
    }

    @Test
    void aQueryFrameIsReadToItsFinalNulAndOneWithoutItIsRejected() {
        ByteBuf set = FrontendMessages.query(ByteBufAllocator.DEFAULT, "SET search_path = app");
        ByteBuf select = FrontendMessages.query(ByteBufAllocator.DEFAULT, "SELECT 1");
        ByteBuf unterminated = Unpooled.copiedBuffer("Q\0\0\0\014SET x = 1", StandardCharsets.US_ASCII);
        try {
            assertEquals(List.of("search_path"), SessionStateScanner.scanQuery(set).setParameters());
            assertSame(SessionStateScanner.Effects.NONE, SessionStateScanner.scanQuery(select));
            assertThrows(ProtocolViolation.class, () -> SessionStateScanner.scanQuery(unterminated));
        } finally {
            set.release();
            select.release();
            unterminated.release();
        }
    }

    /** Issue 22.12: what returns parameters to their defaults, so the client's startup values can be set again. */
    @Test
    void resetsAreFound() {
        assertEquals(List.of("datestyle"), scan("RESET DateStyle").resetParameters());
        assertEquals(List.of("timezone"), scan("reset time zone").resetParameters());
        assertEquals(List.of("search_path"), scan("SET search_path TO DEFAULT").resetParameters());
        assertEquals(List.of("search_path"), scan("SET search_path = DEFAULT").resetParameters());
        assertTrue(scan("RESET ALL").resetsAll());
        assertTrue(scan("discard all").resetsAll());
        assertFalse(scan("DISCARD PLANS").resetsAll());
        assertEquals(List.of(), scan("SET search_path TO public").resetParameters());
    }

    @Test
    void theStatementThatRestoresStartupSettingsSetsOnlyWhatWasReset() {
        ClientStartup startup = ClientStartup.of(java.util.Map.of("user", "u", "database", "d",
                "datestyle", "Postgres, MDY", "options", "-c statement_timeout=5s"));
        assertEquals("SET datestyle TO E'Postgres, MDY'",
                StartupRestore.restoreStatement(startup, scan("RESET datestyle")));
        assertNull(StartupRestore.restoreStatement(startup, scan("RESET work_mem")));
        String all = StartupRestore.restoreStatement(startup, scan("DISCARD ALL"));
        assertTrue(all.contains("SET datestyle TO E'Postgres, MDY'") && all.contains("SET statement_timeout TO E'5s'"), all);
    }
}
