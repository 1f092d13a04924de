package io.pgferry.testkit;

import java.util.concurrent.Executor;

/**
 * Runs each task on a daemon thread of its own, for tests that block in the background (a query held by a paused
 * pool, pgbench). CompletableFuture's default executor gives each task a thread on JDK 17 when the machine has two
 * cores, but is the one-thread common pool on JDK 25, where a task waiting for a later one would wait forever.
 */
public final class ThreadPerTask implements Executor {
    public static final Executor EXECUTOR = new ThreadPerTask();

    private ThreadPerTask() {
    }

    @Override
    public void execute(Runnable task) {
        Thread thread = new Thread(task, "test-background");
        thread.setDaemon(true);
        thread.start();
    }
}
