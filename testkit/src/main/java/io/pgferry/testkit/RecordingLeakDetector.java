package io.pgferry.testkit;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Netty leak detector that records every leak report, so tests can fail on them. Installed for all test
 * JVMs by {@code -Dio.netty.customResourceLeakDetector} in the parent pom; {@link #assertNoLeaks()} forces the
 * garbage collection that makes leaked buffers visible, then throws if any was reported. {@link
 * NoLeaksAfterEachClass} calls it after every test class.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (untraced)");
        super.reportUntracedLeak(resourceType);
    }

    /** Collects garbage, lets Netty report what became unreachable unreleased, and fails on any new report. */
    public static void assertNoLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Leaks are reported when the detector next tracks a buffer.
            for (int j = 0; j < 100; j++) {
                io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(8).release();
            }
        }
        if (!LEAKS.isEmpty()) {
            // Each report fails once: the class that ran when it came, not every class after it.
            List<String> reported = List.copyOf(LEAKS);
            LEAKS.removeAll(reported);
            throw new AssertionError("ByteBuf leaks detected:\n" + String.join("\n", reported));
        }
    }
}
