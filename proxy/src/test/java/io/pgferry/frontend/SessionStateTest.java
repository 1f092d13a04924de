package io.pgferry.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.config.PoolMode;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The client session's state machine and what each pool mode implies (issue 23). */
class SessionStateTest {

    @Test
    void aSessionMovesOnlyAlongItsTransitions() {
        assertTrue(SessionState.LOGGING_IN.canMoveTo(SessionState.ACTIVE), "greeted through a server it keeps");
        assertTrue(SessionState.LOGGING_IN.canMoveTo(SessionState.IDLE), "greeted from the pool's known login");
        assertFalse(SessionState.LOGGING_IN.canMoveTo(SessionState.PARKED), "a login never parks");
        assertFalse(SessionState.IDLE.canMoveTo(SessionState.ACTIVE), "a server comes only after waiting for it");
        assertTrue(SessionState.WAITING.canMoveTo(SessionState.IDLE), "a cancel takes a waiter out of the queue");
        assertTrue(SessionState.ACTIVE.canMoveTo(SessionState.PARKED));
        assertTrue(SessionState.PARKED.canMoveTo(SessionState.ACTIVE), "its own server back");
        assertTrue(SessionState.PARKED.canMoveTo(SessionState.IDLE), "taken by another client meanwhile");
        assertFalse(SessionState.PARKED.canMoveTo(SessionState.WAITING));
        assertTrue(SessionState.IDLE.canMoveTo(SessionState.AWAITING_RESULT), "another client fills its result");
        assertTrue(SessionState.PARKED.canMoveTo(SessionState.AWAITING_RESULT), "its parked server stays free");
        assertTrue(SessionState.AWAITING_RESULT.canMoveTo(SessionState.PARKED), "back to the server it parked");
        assertFalse(SessionState.AWAITING_RESULT.canMoveTo(SessionState.ACTIVE), "it looks again first");
        for (SessionState state : EnumSet.range(SessionState.LOGGING_IN, SessionState.PARKED)) {
            assertTrue(state.canMoveTo(SessionState.CLOSING), state + " can close");
        }
        for (SessionState state : SessionState.values()) {
            assertFalse(SessionState.CLOSING.canMoveTo(state), "nothing after closing");
        }
    }

    @Test
    void showClientsUsesPgBouncersWords() {
        assertEquals("active", SessionState.ACTIVE.label());
        assertEquals("waiting", SessionState.WAITING.label());
        assertEquals("waiting", SessionState.AWAITING_RESULT.label());
        assertEquals("idle", SessionState.PARKED.label());
        assertEquals("idle", SessionState.IDLE.label());
    }

    @Test
    void eachModeSaysWhatItImplies() {
        assertFalse(ModeRules.of(PoolMode.SESSION).givesServerBack());
        assertTrue(ModeRules.of(PoolMode.SESSION).resetsOnLeave(false));
        assertTrue(ModeRules.of(PoolMode.TRANSACTION).givesServerBack());
        assertFalse(ModeRules.of(PoolMode.TRANSACTION).resetsOnLeave(false));
        assertTrue(ModeRules.of(PoolMode.TRANSACTION).resetsOnLeave(true), "a pinned client dirtied its server");
        assertFalse(ModeRules.of(PoolMode.TRANSACTION).refusesTransactionBlocks());
        assertTrue(ModeRules.of(PoolMode.STATEMENT).refusesTransactionBlocks());
    }
}
