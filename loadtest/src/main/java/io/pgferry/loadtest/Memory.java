package io.pgferry.loadtest;

import io.pgferry.loadtest.edge.TlsUpgrade;
import io.pgferry.testkit.PostgresServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The memory scenario: resident memory of pgferry (from its launcher, in a process of its own) and of PgBouncer
 * with N idle, logged-in client connections, reported per client above each pooler's baseline.
 */
public final class Memory {
    private static final String USER = "bench";
    private static final int WARM_UP_LOGINS = 3000;

    private Memory() {
    }

    public static void main(String[] args) throws Exception {
        var options = Throughput.options(args);
        List<Integer> counts = new ArrayList<>();
        for (String count : options.getOrDefault("clients", "1000,10000").split(",")) {
            counts.add(Integer.parseInt(count.trim()));
        }
        Path launcher = Path.of(options.getOrDefault("launcher", "bin/pgferry"));
        PgBouncerBinary pgbouncer = PgBouncerBinary.resolve(options.getOrDefault("pgbouncer", PgBouncerBinary.DEFAULT_CHOICE));
        boolean tls = options.getOrDefault("tls", "off").equals("on");
        long settleMillis = Long.parseLong(options.getOrDefault("settle", "2")) * 1000;
        System.out.println(pgbouncer.description() + (tls ? "; clients log in over TLS" : ""));
        try (PostgresServer postgres = PostgresServer.start()) {
            Throughput.ClientTls clientTls = tls ? Throughput.ClientTls.of(postgres) : null;
            StringBuilder table = new StringBuilder("| idle clients | pgferry RSS MiB | pgferry KiB/client | PgBouncer RSS MiB | PgBouncer KiB/client | pgferry live heap KiB/client |\n|---|---|---|---|---|---|\n");
            int ferryPort = PostgresServer.freePort();
            try (FerryProcess ferry = FerryProcess.start(launcher, Throughput.config(postgres.port(), ferryPort, 20, 0, clientTls, false), ferryPort,
                    options.getOrDefault("jvm", ""));
                 PgBouncer bouncer = PgBouncer.start(pgbouncer, postgres.port(), USER, 20, clientTls)) {
                raiseFileLimit(ferry.pid());
                long[] ferryRss = measure(ferry.pid(), ferryPort, tls, counts, settleMillis, null);
                // A second pass for the live heap: its full collections would disturb the RSS pass.
                List<Map<String, Long>> histograms = new ArrayList<>();
                long[] ferryLiveHeap = measure(ferry.pid(), ferryPort, tls, counts, settleMillis, histograms);
                long[] bouncerRss = measure(bouncer.pid(), bouncer.port(), tls, counts, settleMillis, null);
                for (int i = 0; i < counts.size(); i++) {
                    int n = counts.get(i);
                    table.append(String.format("| %d | %s | %s | %.2f |%n", n, cells(ferryRss, i + 1, n),
                            cells(bouncerRss, i + 1, n), (ferryLiveHeap[i + 1] - ferryLiveHeap[0]) / 1024.0 / n));
                }
                System.out.printf("baseline RSS with one client, after " + WARM_UP_LOGINS + " logins and logouts: pgferry %.1f MiB, PgBouncer %.1f MiB%n%n",
                        ferryRss[0] / 1048576.0, bouncerRss[0] / 1048576.0);
                System.out.println(table);
                System.out.println(whatClientsHold(histograms, counts.get(counts.size() - 1)));
            }
        }
    }

    /** "RSS MiB | KiB per client" above the warmed one-client baseline, or "n/a" where the pooler refused the clients. */
    private static String cells(long[] rss, int index, int clients) {
        if (rss[index] < 0) {
            return "n/a (refused) | n/a";
        }
        return String.format("%.1f | %.2f", rss[index] / 1048576.0, (rss[index] - rss[0]) / 1024.0 / clients);
    }

    /** The classes whose live bytes grew most from one client to {@code clients}, per client, as a markdown table. */
    private static String whatClientsHold(List<Map<String, Long>> histograms, int clients) {
        Map<String, Long> first = histograms.get(0);
        Map<String, Long> last = histograms.get(histograms.size() - 1);
        StringBuilder table = new StringBuilder("| class (live heap at " + clients + " clients) | bytes/client |\n|---|---|\n");
        last.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), entry.getValue() - first.getOrDefault(entry.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(15)
                .forEach(entry -> table.append(String.format("| %s | %.0f |%n", entry.getKey(), entry.getValue() / (double) clients)));
        return table.toString();
    }

    /**
     * RSS with one client, then with each count of idle clients open (connections accumulate); or, given
     * {@code histograms} to fill, the bytes of live objects in a JVM instead: RSS follows how far G1 has grown its
     * heap, the live heap what the clients actually hold.
     */
    private static long[] measure(long pid, int port, boolean tls, List<Integer> counts, long settleMillis,
                                  List<Map<String, Long>> histograms)
            throws Exception {
        boolean liveHeap = histograms != null;
        List<Socket> open = new ArrayList<>();
        long[] rss = new long[counts.size() + 1];
        try {
            warmUp(port, tls);
            open.add(login(port, tls));
            Thread.sleep(settleMillis);
            rss[0] = liveHeap ? liveHeapBytes(pid, histograms) : ProcessCpu.residentBytes(pid);
            for (int i = 0; i < counts.size(); i++) {
                try {
                    while (open.size() < counts.get(i)) {
                        open.add(login(port, tls));
                    }
                } catch (IOException refused) {
                    System.err.printf("pid %d: stopped at %d clients: %s%n", pid, open.size(), refused);
                    for (int j = i + 1; j <= counts.size(); j++) {
                        rss[j] = -1;
                    }
                    return rss;
                }
                Thread.sleep(settleMillis);
                rss[i + 1] = liveHeap ? liveHeapBytes(pid, histograms) : ProcessCpu.residentBytes(pid);
                System.err.printf("pid %d: %d clients, %s %.1f MiB%n", pid, open.size(), liveHeap ? "live heap" : "RSS",
                        rss[i + 1] / 1048576.0);
            }
        } finally {
            for (Socket socket : open) {
                socket.close();
            }
        }
        return rss;
    }

    /**
     * The "Total" bytes of {@code jcmd GC.class_histogram}, which counts live objects after a full collection; adds
     * the bytes by class to {@code histograms}.
     */
    private static long liveHeapBytes(long pid, List<Map<String, Long>> histograms) throws Exception {
        Process histogram = new ProcessBuilder("jcmd", Long.toString(pid), "GC.class_histogram").start();
        String output = new String(histogram.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        histogram.waitFor(60, TimeUnit.SECONDS);
        Map<String, Long> bytesByClass = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (line.startsWith("Total")) {
                histograms.add(bytesByClass);
                return Long.parseLong(fields[fields.length - 1]);
            }
            if (fields.length >= 4 && fields[0].endsWith(":")) {
                bytesByClass.merge(fields[3], Long.parseLong(fields[2]), Long::sum);
            }
        }
        throw new IllegalStateException("no total in jcmd GC.class_histogram output: " + output);
    }

    /**
     * Logs in and out {@value #WARM_UP_LOGINS} times, one client at a time, before the baseline: the pooler's login
     * path is then compiled and its young generation has been cycled, which are fixed costs, while no client object
     * outlives its login to be reused by the clients measured after it.
     */
    private static void warmUp(int port, boolean tls) throws IOException {
        for (int i = 0; i < WARM_UP_LOGINS; i++) {
            login(port, tls).close();
        }
    }

    /** A raw client, over TLS if asked: StartupMessage with trust authentication, read up to ReadyForQuery, then idle. */
    private static Socket login(int port, boolean tls) throws IOException {
        Socket plain = new Socket("127.0.0.1", port);
        Socket socket = tls ? TlsUpgrade.upgrade(plain) : plain;
        socket.setSoTimeout(60_000);
        byte[] parameters = ("user\0" + USER + "\0database\0app\0\0").getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(ByteBuffer.allocate(8 + parameters.length).putInt(8 + parameters.length)
                .putInt(196608).put(parameters).array());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        while (true) {
            byte type = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (type == 'E') {
                throw new IOException("login refused: " + new String(body, StandardCharsets.UTF_8));
            }
            if (type == 'Z') {
                return socket;
            }
        }
    }

    private static void raiseFileLimit(long pid) throws IOException, InterruptedException {
        new ProcessBuilder("prlimit", "--pid", Long.toString(pid), "--nofile=20000:20000").inheritIO().start().waitFor();
    }
}
