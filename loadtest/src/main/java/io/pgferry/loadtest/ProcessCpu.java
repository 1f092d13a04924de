package io.pgferry.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of processes, and the machine's idle time, from /proc. */
final class ProcessCpu {
    private static final double TICKS_PER_SECOND = 100.0;
    /** Fields of /proc/PID/stat after the command name: ppid, then utime, stime, cutime and cstime. */
    private static final int PPID = 1;
    private static final int UTIME = 11;
    private static final int STIME = 12;
    private static final int CUTIME = 13;
    private static final int CSTIME = 14;

    /** Busy and idle time of all CPUs together, from the first line of /proc/stat. */
    record MachineTime(long busyTicks, long idleTicks) {
        static MachineTime now() {
            try {
                String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
                long busy = 0;
                // user, nice, system, idle, iowait, irq, softirq; steal is time the machine did not have.
                for (int i = 1; i < Math.min(fields.length, 8); i++) {
                    busy += Long.parseLong(fields[i]);
                }
                return new MachineTime(busy - idle, idle);
            } catch (IOException e) {
                return new MachineTime(0, 0);
            }
        }

        /** The share of CPU time spent idle since {@code before}. */
        double idleShareSince(MachineTime before) {
            long busy = busyTicks - before.busyTicks;
            long idle = idleTicks - before.idleTicks;
            return busy + idle == 0 ? Double.NaN : (double) idle / (busy + idle);
        }
    }

    /** CPU time split into user space and the kernel (utime and stime). */
    record CpuTime(long userNanos, long kernelNanos) {
        long totalNanos() {
            return userNanos + kernelNanos;
        }

        CpuTime minus(CpuTime before) {
            return new CpuTime(userNanos - before.userNanos, kernelNanos - before.kernelNanos);
        }
    }

    private ProcessCpu() {
    }

    /** utime and stime of {@code pid}, from /proc/PID/stat (clock ticks, USER_HZ = 100 on Linux). */
    static CpuTime of(long pid) {
        String[] fields = stat(Long.toString(pid));
        return fields == null ? new CpuTime(0, 0)
                : new CpuTime(ticksToNanos(Long.parseLong(fields[UTIME])), ticksToNanos(Long.parseLong(fields[STIME])));
    }

    /**
     * utime + stime of those threads of {@code pid} whose name starts with {@code prefix} (the kernel keeps a
     * thread's first 15 characters), from /proc/PID/task/TID/stat. A thread that exits drops out of the sum, so
     * callers compare threads that live as long as the process (a pooler's event loops).
     */
    static long threadNanos(long pid, String prefix) {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                ticks += threadTicks(task, prefix);
            }
        } catch (IOException e) {
            return 0;
        }
        return ticksToNanos(ticks);
    }

    /** One thread's utime + stime if its name starts with {@code prefix}; 0 otherwise, or if it just exited. */
    private static long threadTicks(Path task, String prefix) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            if (!name.startsWith(prefix)) {
                return 0;
            }
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME]);
        } catch (IOException exited) {
            return 0;
        }
    }

    /**
     * CPU time of {@code rootPid} and its children, living and exited: PostgreSQL's postmaster and its backends.
     * A backend's time moves to the postmaster's children's time when it exits, so the sum does not drop.
     */
    static CpuTime tree(long rootPid) {
        long userTicks = 0;
        long kernelTicks = 0;
        String root = Long.toString(rootPid);
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String[] fields = stat(name);
                if (fields != null && (name.equals(root) || fields[PPID].equals(root))) {
                    userTicks += Long.parseLong(fields[UTIME]) + Long.parseLong(fields[CUTIME]);
                    kernelTicks += Long.parseLong(fields[STIME]) + Long.parseLong(fields[CSTIME]);
                }
            }
        } catch (IOException e) {
            return new CpuTime(0, 0);
        }
        return new CpuTime(ticksToNanos(userTicks), ticksToNanos(kernelTicks));
    }

    /** CPU time of this JVM's exited child processes: pgbench's, once it has been waited for. */
    static long exitedChildrenNanos() {
        String[] fields = stat("self");
        return fields == null ? 0 : ticksToNanos(Long.parseLong(fields[CUTIME]) + Long.parseLong(fields[CSTIME]));
    }

    private static String[] stat(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException e) {
            return null;
        }
    }

    private static long ticksToNanos(long ticks) {
        return (long) (ticks / TICKS_PER_SECOND * 1e9);
    }

    /** Resident set size of {@code pid} in bytes, from /proc/PID/status. */
    static long residentBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}
