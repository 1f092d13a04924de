package io.pgferry.pool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.backend.ServerLoginFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a pool holds logins back after a failure, by what failed (issue 22.10). */
class LoginRetryTest {
    private static final Duration LOGIN_RETRY = Duration.ofSeconds(15);
    private static final long MILLI = 1_000_000L;

    @Test
    void aServerStartingUpIsRetriedSoonWithABackoff() {
        LoginRetry retry = new LoginRetry();
        retry.failed(new ServerLoginFailure("57P03", "the database system is starting up"), 0, 0);
        assertTrue(retry.pausing(LOGIN_RETRY, 99 * MILLI));
        assertTrue(retry.pausingForUnavailableServer(LOGIN_RETRY, 99 * MILLI));
        assertFalse(retry.pausing(LOGIN_RETRY, 100 * MILLI), "100 ms after the first failure");
        assertNull(retry.refusal(LOGIN_RETRY, 100 * MILLI));
        retry.failed(new ServerLoginFailure("08006", "could not connect to server"), 900 * MILLI, 1000 * MILLI);
        assertTrue(retry.pausing(LOGIN_RETRY, 1199 * MILLI));
        assertFalse(retry.pausing(LOGIN_RETRY, 1200 * MILLI), "200 ms after the second");
        for (int i = 0; i < 20; i++) {
            retry.failed(new ServerLoginFailure("08006", "could not connect to server"), 0, 0);
        }
        assertFalse(retry.pausing(LOGIN_RETRY, 2000 * MILLI), "never more than 2 s");
    }

    @Test
    void loginsThatFailTogetherCountAsOneFailureForTheBackoff() {
        LoginRetry retry = new LoginRetry();
        for (int i = 0; i < 8; i++) {
            // Eight clients' openings, all started before the first of them failed (a server that just died).
            retry.failed(new ServerLoginFailure("08006", "connection refused"), 0, (10 + i) * MILLI);
        }
        assertFalse(retry.pausing(LOGIN_RETRY, 117 * MILLI + 100 * MILLI), "still the first pause, 100 ms");
        retry.failed(new ServerLoginFailure("08006", "connection refused"), 220 * MILLI, 230 * MILLI);
        assertTrue(retry.pausing(LOGIN_RETRY, 429 * MILLI), "a retry that failed doubles it");
        assertFalse(retry.pausing(LOGIN_RETRY, 430 * MILLI));
    }

    @Test
    void aRefusedLoginKeepsTheWholePauseAndDoesNotMeanTheUpstreamIsDown() {
        LoginRetry retry = new LoginRetry();
        retry.failed(new ServerLoginFailure("57P03", "the database system is starting up"), 0, 0);
        retry.failed(new ServerLoginFailure("28P01", "password authentication failed"), 0, 0);
        assertTrue(retry.pausing(LOGIN_RETRY, 14_999 * MILLI));
        assertFalse(retry.pausingForUnavailableServer(LOGIN_RETRY, 1));
        assertFalse(retry.pausing(LOGIN_RETRY, 15_000 * MILLI));
        retry.succeeded();
        assertFalse(retry.pausing(LOGIN_RETRY, 1));
    }

    @Test
    void theBackoffNeverExceedsLoginRetry() {
        LoginRetry retry = new LoginRetry();
        retry.failed(new ServerLoginFailure("08006", "could not connect to server"), 0, 0);
        assertFalse(retry.pausing(Duration.ofMillis(50), 50 * MILLI));
    }
}
