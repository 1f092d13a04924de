package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * auth-failure-delay (PostgreSQL's auth_delay): a wrong password gets its 28P01 no sooner than the delay, and the
 * one event loop keeps serving other clients meanwhile, since a timer, not the loop, holds the answer (issue 27).
 */
@ExtendWith(PostgresExtension.class)
class AuthFailureDelayIT {

    @Test
    void aFailedLoginIsAnsweredLateWithoutHoldingTheLoop(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "pgferry { threads = 1, auth-failure-delay = 3s }")) {
            long started = System.nanoTime();
            CompletableFuture<String> refused = CompletableFuture.supplyAsync(() -> {
                try (Connection ignored = proxy.connect("app", TestProxy.APP_USER, "wrong", "")) {
                    return "logged in";
                } catch (SQLException e) {
                    return e.getSQLState();
                }
            });
            try (Connection other = proxy.connectApp()) {
                assertEquals("1", SessionPoolingIT.single(other, "SELECT 1"));
            }
            assertFalse(refused.isDone(), "another client was served while the refusal waited");
            assertEquals("28P01", refused.get(20, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(3), "no sooner than the delay");
        }
    }
}
