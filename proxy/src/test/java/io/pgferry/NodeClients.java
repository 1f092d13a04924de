package io.pgferry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The JavaScript drivers of {@code src/test/node} (node-postgres, postgres.js), installed once with {@code npm ci}
 * from the committed lockfile into {@code target/node-clients}, and run as a node process per call.
 */
final class NodeClients {
    private static final Path SOURCE = Path.of("src/test/node");
    private static final Path INSTALLED = Path.of("target/node-clients");
    private static boolean installed;

    private NodeClients() {
    }

    /** Installs the drivers once per test JVM; returns the directory scripts run in. */
    static synchronized Path install() {
        if (!installed) {
            try {
                Files.createDirectories(INSTALLED);
                try (var files = Files.walk(SOURCE)) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Path target = INSTALLED.resolve(SOURCE.relativize(file));
                        Files.createDirectories(target.getParent());
                        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            installed = true;
        }
        return INSTALLED;
    }

    /** Runs {@code script} of src/test/node with {@code arguments}; returns what it printed, trimmed. */
    static String node(String script, String... arguments) {
        return node(Map.of(), script, arguments);
    }

    /** As {@link #node(String, String...)}, with {@code environment} added to the script's environment. */
    static String node(Map<String, String> environment, String script, String... arguments) {
        install();
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(arguments));
        return run(command, environment, 60);
    }

    private static String run(List<String> command, int timeoutSeconds) {
        return run(command, Map.of(), timeoutSeconds);
    }

    private static String run(List<String> command, Map<String, String> environment, int timeoutSeconds) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(INSTALLED.toFile()).redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeoutSeconds + " s");
            }
            String text = new String(output, StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " failed: " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
