package io.pgferry.loadtest;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * pgferry as users run it: its launcher ({@code bin/pgferry}, which runs the production jar with the launcher's
 * JVM options plus {@code JAVA_OPTS}) in a process of its own, so its CPU time and memory are its alone, as
 * PgBouncer's are. Its log goes to a file, as PgBouncer's does, so both pay for writing their log lines alike.
 */
final class FerryProcess implements AutoCloseable {
    private final Process process;
    private final Path config;
    private final Path log;

    private FerryProcess(Process process, Path config, Path log) {
        this.process = process;
        this.config = config;
        this.log = log;
    }

    /** Starts pgferry with the configuration text {@code config}, listening on {@code port}, and waits for it. */
    static FerryProcess start(Path launcher, String config, int port, String javaOptions) throws IOException, InterruptedException {
        Path file = Files.createTempFile("pgferry-loadtest", ".conf");
        Files.writeString(file, config);
        Path log = Files.createTempFile("pgferry-loadtest", ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(launcher.toString(), "--config", file.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        if (!javaOptions.isBlank()) {
            builder.environment().put("JAVA_OPTS", javaOptions);
        }
        FerryProcess ferry = new FerryProcess(builder.start(), file, log);
        ferry.waitForPort(port);
        return ferry;
    }

    /** The JVM's process id: the launcher execs java. */
    long pid() {
        return process.pid();
    }

    private void waitForPort(int port) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (!process.isAlive()) {
                throw new IllegalStateException("pgferry exited with status " + process.exitValue()
                        + " before listening; its log:\n" + logText());
            }
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        String text = logText();
        close();
        throw new IllegalStateException("pgferry did not start on port " + port + "; its log:\n" + text);
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(config);
            Files.deleteIfExists(log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.err.println("could not delete " + config + " or " + log + ": " + e.getMessage());
        }
    }
}
