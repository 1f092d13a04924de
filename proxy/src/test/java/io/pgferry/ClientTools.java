package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** pgbench's select-only script ({@code -S}) and its default TPC-B-like one. */
    public static final List<List<String>> SELECT_ONLY_AND_TPCB = List.of(List.of("-S"), List.of());

    /**
     * Initializes pgbench's tables through {@code url}, then runs pgbench for {@code seconds} in each protocol mode
     * with each script, and asserts that every run ends cleanly, without failed transactions, with work done. One
     * thread per client: pgbench before 17 prepares with a blocking PQprepare, which would stall every client of its
     * thread while another of them holds a server inside a transaction.
     */
    public static void assertPgbenchRunsClean(String url, int clients, int seconds, List<String> modes,
                                              List<List<String>> scripts) throws IOException, InterruptedException {
        Result init = run(TestProxy.APP_PASSWORD, List.of("pgbench", "-i", "-q", "-s", "1", url));
        assertEquals(0, init.exitCode(), init.output());
        for (String mode : modes) {
            for (List<String> script : scripts) {
                List<String> command = new ArrayList<>(List.of("pgbench", "-c", Integer.toString(clients), "-j",
                        Integer.toString(clients), "-T", Integer.toString(seconds), "-M", mode));
                command.addAll(script);
                command.add(url);
                Result result = run(TestProxy.APP_PASSWORD, command);
                assertEquals(0, result.exitCode(), result.output());
                assertEquals(0, failedTransactions(result.output()), result.output());
                assertTrue(processedTransactions(result.output()) > 100, mode + script + result.output());
            }
        }
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
