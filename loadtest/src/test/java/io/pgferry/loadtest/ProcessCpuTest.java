package io.pgferry.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The /proc readings the throughput table divides by transactions count what they claim to. */
class ProcessCpuTest {
    /** A child shell that spins for about half a second of CPU time. */
    private static Process spinningChild() throws Exception {
        return new ProcessBuilder("sh", "-c", "end=$(($(date +%s%N) + 500000000));"
                + " while [ $(date +%s%N) -lt $end ]; do :; done").start();
    }

    @Test
    void anExitedChildsTimeCountsOnceItIsWaitedFor() throws Exception {
        long before = ProcessCpu.exitedChildrenNanos();
        Process child = spinningChild();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        long gained = ProcessCpu.exitedChildrenNanos() - before;
        assertTrue(gained >= 100_000_000, "a child that spun for 0.5 s counted " + gained + " ns");
    }

    @Test
    void aProcessTreeCountsItsLivingChildren() throws Exception {
        long self = ProcessHandle.current().pid();
        long before = ProcessCpu.tree(self).totalNanos();
        Process child = spinningChild();
        try {
            Thread.sleep(400);
            long gained = ProcessCpu.tree(self).totalNanos() - before;
            assertTrue(gained >= 100_000_000, "a child spinning for 0.4 s added " + gained + " ns to its parent's tree");
            assertTrue(ProcessCpu.tree(self).totalNanos() >= ProcessCpu.of(self).totalNanos());
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void userSpaceAndKernelTimeAreToldApart() throws Exception {
        long self = ProcessHandle.current().pid();
        // awk computing in a loop stays in user space; dd reading random bytes spends its time in the kernel.
        ProcessCpu.CpuTime computing = childTime(self, "awk 'BEGIN { for (i = 0; i < 20000000; i++) s += i }'");
        ProcessCpu.CpuTime reading = childTime(self, "dd if=/dev/urandom of=/dev/null bs=64k count=3000 2>/dev/null");
        assertTrue(computing.userNanos() > 3 * computing.kernelNanos(), "computing: " + computing);
        assertTrue(reading.kernelNanos() > 3 * reading.userNanos(), "reading: " + reading);
    }

    private static ProcessCpu.CpuTime childTime(long self, String script) throws Exception {
        ProcessCpu.CpuTime before = ProcessCpu.tree(self);
        Process child = new ProcessBuilder("sh", "-c", script).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        return ProcessCpu.tree(self).minus(before);
    }

    @Test
    void aBusyMachineIsNotAllIdle() throws Exception {
        ProcessCpu.MachineTime before = ProcessCpu.MachineTime.now();
        Process child = spinningChild();
        child.waitFor(30, TimeUnit.SECONDS);
        double idle = ProcessCpu.MachineTime.now().idleShareSince(before);
        assertTrue(idle >= 0 && idle < 0.9, "idle share while one core spun: " + idle);
    }

    @Test
    void threadTimeCountsOnlyTheNamedThreads() throws Exception {
        long self = ProcessHandle.current().pid();
        long before = ProcessCpu.threadNanos(self, "cpu-spinner");
        Thread spinner = new Thread(() -> {
            long end = System.nanoTime() + 400_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }, "cpu-spinner");
        spinner.start();
        Thread.sleep(300);
        long spun = ProcessCpu.threadNanos(self, "cpu-spinner") - before;
        spinner.join();
        assertTrue(spun >= 100_000_000, "a thread spinning for 0.3 s counted " + spun + " ns");
        assertEquals(0, ProcessCpu.threadNanos(self, "no-such-thread"));
    }
}
