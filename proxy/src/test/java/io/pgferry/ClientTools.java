package io.pgferry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs PostgreSQL's own client programs (psql, pgbench) against pgferry and returns what they printed. */
public final class ClientTools {
    private ClientTools() {
    }

    public record Result(int exitCode, String output) {
    }

    public static Result run(String password, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PGPASSWORD", password, "PGCONNECT_TIMEOUT", "10"));
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        return new Result(process.exitValue(), output);
    }

    /** The count in pgbench's "number of failed transactions: N" line (0 when the line is absent, as before 15). */
    public static long failedTransactions(String pgbenchOutput) {
        for (String line : pgbenchOutput.split("\n")) {
            if (line.startsWith("number of failed transactions:")) {
                return Long.parseLong(line.split(":")[1].trim().split(" ")[0]);
            }
        }
        return 0;
    }

    public static long processedTransactions(String pgbenchOutput) {
        for (String line : pgbenchOutput.split("\n")) {
            if (line.startsWith("number of transactions actually processed:")) {
                return Long.parseLong(line.split(":")[1].trim().split("[ /]")[0]);
            }
        }
        throw new IllegalStateException("no transaction count in pgbench output:\n" + pgbenchOutput);
    }
}
