package io.pgferry;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small bounded pool for the CPU-heavy steps of a login, so they never stall an event loop and the clients
 * it serves: PBKDF2 for SCRAM and the TLS handshakes' key exchange and signature. Its threads end after 30 s
 * without work. Thread-safe.
 */
public final class CpuWorkers implements Executor, AutoCloseable {
    private static final int QUEUE_LIMIT = 10_000;

    private final ThreadPoolExecutor pool;

    public CpuWorkers(int threads) {
        AtomicInteger counter = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE_LIMIT),
                task -> {
                    Thread thread = new Thread(task, "pgferry-cpu-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code task} on a worker; throws {@link java.util.concurrent.RejectedExecutionException} when full. */
    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
