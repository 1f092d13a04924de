package io.pgferry.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Client threads that each work until a common deadline and count what they did; the counts are added up. */
final class TimedClients {
    /** One client's loop: works until {@code deadlineNanos} ({@link System#nanoTime()}), returns its count. */
    @FunctionalInterface
    interface Client {
        long runUntil(long deadlineNanos) throws Exception;
    }

    private TimedClients() {
    }

    /** Runs {@code clients} threads of {@code client} for {@code seconds}; returns their counts' sum. */
    static long run(int clients, int seconds, Client client) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Long>> counts = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                counts.add(threads.submit(() -> client.runUntil(deadline)));
            }
            long total = 0;
            for (Future<Long> count : counts) {
                total += count.get();
            }
            return total;
        } finally {
            threads.shutdownNow();
        }
    }
}
