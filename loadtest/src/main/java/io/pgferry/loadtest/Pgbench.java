package io.pgferry.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs pgbench and reads its summary lines. */
final class Pgbench {
    /** {@code aborted}: pgbench gave up on some clients (errors such as a pooler refusing prepared statements). */
    record Output(double tps, double latencyMs, long transactions, long failed, boolean aborted, String text) {
    }

    private Pgbench() {
    }

    static Output run(String password, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", password);
        Process process = builder.start();
        process.getOutputStream().close();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("pgbench timed out");
        }
        boolean aborted = process.exitValue() != 0;
        if (aborted && !text.contains("transaction type")) {
            throw new IOException("pgbench failed: " + command + "\n" + text);
        }
        return new Output(number(text, "tps = "), number(text, "latency average = "),
                (long) number(text, "number of transactions actually processed: "),
                (long) number(text, "number of failed transactions: "), aborted, text);
    }

    /** The number following {@code prefix} on its line, or 0 if absent. */
    static double number(String text, String prefix) {
        int at = text.indexOf(prefix);
        if (at < 0) {
            return 0;
        }
        int start = at + prefix.length();
        int end = start;
        while (end < text.length() && (Character.isDigit(text.charAt(end)) || text.charAt(end) == '.')) {
            end++;
        }
        return end == start ? 0 : Double.parseDouble(text.substring(start, end));
    }
}
