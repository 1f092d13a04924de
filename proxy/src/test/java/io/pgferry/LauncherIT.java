package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/** bin/pgferry runs the JVM of JAVA_HOME, here a script that prints the arguments it was given. */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "pgferry");

    @Test
    void runsTheJavaOfJavaHomeWithTheDefaultsBeforeJavaOpts(@TempDir Path home) throws Exception {
        List<String> arguments = launch(echoingJdk(home), "-Xmx64m");
        assertEquals(List.of("-XX:+UseG1GC", "-XX:MaxNewSize=32m", "-Xmx64m", "-jar"), arguments.subList(0, 4));
        assertTrue(arguments.get(4).endsWith("proxy/target/pgferry.jar"), arguments.toString());
        assertEquals(List.of("--check", "--config", "x.conf"), arguments.subList(5, 8));
    }

    /**
     * The Docker image runs java without the launcher: its entry point, run here by sh with a java that echoes
     * its arguments, carries the launcher's defaults, then JAVA_OPTS, then pgferry's own arguments.
     */
    @Test
    void dockerEntryPointHasTheLauncherDefaultsAndHonoursJavaOpts(@TempDir Path home) throws Exception {
        String entryPoint = Files.readString(Path.of("..", "deploy", "Dockerfile")).lines()
                .filter(line -> line.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        List<String> command = new ArrayList<>(new Yaml().<List<String>>load(entryPoint.substring("ENTRYPOINT".length())));
        command.addAll(List.of("--check", "--config", "x.conf"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PATH", echoingJdk(home).resolve("bin") + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA_OPTS", "-Xmx64m -Dx=1");
        Process image = builder.start();
        List<String> arguments = Arrays.asList(new String(image.getInputStream().readAllBytes()).strip().split("\n"));
        assertTrue(image.waitFor(30, TimeUnit.SECONDS));
        List<String> defaults = launch(echoingJdk(home), "");
        for (String option : defaults.subList(0, defaults.indexOf("-jar"))) {
            assertTrue(arguments.indexOf(option) >= 0 && arguments.indexOf(option) < arguments.indexOf("-Xmx64m"),
                    option + " before JAVA_OPTS in " + arguments);
        }
        assertEquals(List.of("-Xmx64m", "-Dx=1", "-jar", "/app/pgferry.jar", "--check", "--config", "x.conf"),
                arguments.subList(arguments.indexOf("-Xmx64m"), arguments.size()));
    }

    private static Path echoingJdk(Path home) throws IOException {
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    /** Runs the launcher (the jar exists: ITs run after packaging) and returns the arguments java received. */
    private static List<String> launch(Path javaHome, String javaOpts) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", LAUNCHER.toString(), "--check", "--config", "x.conf")
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("JAVA_OPTS", javaOpts);
        Process launcher = builder.start();
        String output = new String(launcher.getInputStream().readAllBytes());
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, launcher.exitValue(), output);
        return Arrays.asList(output.strip().split("\n"));
    }
}
