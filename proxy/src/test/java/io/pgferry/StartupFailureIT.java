package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production jar as an operator starts it: an occupied port, a misspelt key or a bad option ends the process
 * at once with one line and a non-zero status; --help and --version answer and exit 0 (issue 26).
 */
class StartupFailureIT {
    private static final Path JAR = Path.of("target", "pgferry.jar");

    private record Run(int status, String output) {
    }

    private static Run run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "pgferry did not exit: " + new String(output));
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }

    private static Path config(Path directory, String listen, String httpListen) throws Exception {
        return Files.writeString(directory.resolve("pgferry.conf"), """
                pgferry {
                  listen = "%s"
                  http.listen = "%s"
                  databases { app { upstream = "postgres://u:p@127.0.0.1:1/app" } }
                }
                """.formatted(listen, httpListen));
    }

    @Test
    void anOccupiedPortEndsTheProcessWithOneLine(@TempDir Path directory) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String occupied = "127.0.0.1:" + taken.getLocalPort();
            Run port = run("--config", config(directory, occupied, "").toString());
            assertEquals(1, port.status(), port.output());
            assertEquals("pgferry: cannot listen on " + occupied + ": address already in use", lastLine(port.output()));
            assertFalse(port.output().contains("Exception"), port.output());

            Run http = run("--config", config(directory, "127.0.0.1:" + PostgresServer.freePort(), occupied).toString());
            assertEquals(1, http.status(), "no pgferry serving without its metrics: " + http.output());
            assertEquals("pgferry: cannot listen on " + occupied + ": address already in use", lastLine(http.output()));
        }
    }

    @Test
    void badConfigurationsAndOptionsAreOneLine(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("bad.conf"), "pgferry {\n  pool { aquire-timeout = 5s }\n}\n");
        Run misspelt = run("--check", "--config", file.toString());
        assertEquals(2, misspelt.status());
        assertEquals("pgferry: " + file + ": 2: unknown key pgferry.pool.aquire-timeout (did you mean acquire-timeout?)",
                misspelt.output());
        Run missing = run("--upstream");
        assertEquals(2, missing.status());
        assertEquals("pgferry: --upstream needs a URL", missing.output());
    }

    @Test
    void helpAndVersionAnswerAndExitZero() throws Exception {
        Run help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.output().startsWith("usage: pgferry --config FILE"), help.output());
        Run version = run("--version");
        assertEquals(0, version.status());
        assertTrue(version.output().matches("pgferry \\d+\\.\\d+\\.\\d+.*"), version.output());
    }

    private static String lastLine(String output) {
        return output.substring(output.lastIndexOf('\n') + 1);
    }
}
