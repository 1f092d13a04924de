package io.pgferry.testkit;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients each inserting one row per transaction into {@code ticks (client int, n bigint)}, reconnecting after
 * any error, until stopped: what a failover does to writers, counted as commits and failures (a failed statement
 * or a refused connection each count once).
 */
public final class WriteLoad implements AutoCloseable {
    /** Opens one client's connection (through the pooler under test). */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    private final ExecutorService threads;
    private final List<Future<?>> running = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastCommitNanos = new AtomicLong();

    public WriteLoad(int clients, Connector connector) {
        threads = Executors.newFixedThreadPool(clients);
        for (int i = 0; i < clients; i++) {
            int client = i;
            running.add(threads.submit(() -> {
                long n = 0;
                while (!stopping.get()) {
                    try (Connection connection = connector.connect();
                         Statement statement = connection.createStatement()) {
                        while (!stopping.get()) {
                            statement.execute("INSERT INTO ticks VALUES (" + client + ", " + n++ + ")");
                            commits.incrementAndGet();
                            lastCommitNanos.set(System.nanoTime());
                        }
                    } catch (SQLException e) {
                        failures.incrementAndGet();
                    }
                }
                return null;
            }));
        }
    }

    public long commits() {
        return commits.get();
    }

    public long failures() {
        return failures.get();
    }

    /** Waits until {@code count} transactions committed; fails after {@code seconds}. */
    public void awaitCommits(long count, int seconds) {
        await(() -> commits.get() >= count, seconds, count + " commits");
    }

    /** When the first transaction after {@code since} ({@link System#nanoTime()}) committed; fails after {@code seconds}. */
    public long firstCommitAfter(long since, int seconds) {
        await(() -> lastCommitNanos.get() - since > 0, seconds, "a commit after " + since);
        return lastCommitNanos.get();
    }

    private static void await(java.util.function.BooleanSupplier condition, int seconds, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** Stops the clients and waits for them to finish their current transaction. */
    public void stop() throws Exception {
        stopping.set(true);
        for (Future<?> future : running) {
            future.get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        stopping.set(true);
        threads.shutdownNow();
    }
}
