package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/pgferry picks the JVM from JAVA_HOME and its options by the JVM's release. The JVM here is a script that
 * prints the arguments it was given, in an installation directory with the release file a JDK ships.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "pgferry");

    @Test
    void jdk25GetsCompactObjectHeadersAfterTheDefaultsAndBeforeJavaOpts(@TempDir Path home) throws Exception {
        List<String> arguments = launch(fakeJdk(home, "25.0.1"), "-Xmx64m");
        assertEquals(List.of("-XX:+UseG1GC", "-XX:MaxNewSize=32m", "-XX:+UseCompactObjectHeaders", "-Xmx64m", "-jar"),
                arguments.subList(0, 5));
        assertTrue(arguments.get(5).endsWith("proxy/target/pgferry.jar"), arguments.toString());
        assertEquals(List.of("--check", "--config", "x.conf"), arguments.subList(6, 9));
    }

    @Test
    void jdk17KeepsItsDefaultHeaders(@TempDir Path home) throws Exception {
        List<String> arguments = launch(fakeJdk(home, "17.0.15"), "");
        assertEquals(List.of("-XX:+UseG1GC", "-XX:MaxNewSize=32m", "-jar"), arguments.subList(0, 3));
    }

    @Test
    void anInstallationWithoutReleaseFileIsTreatedAsOld(@TempDir Path home) throws Exception {
        Path jdk = fakeJdk(home, "25");
        Files.delete(jdk.resolve("release"));
        assertFalse(launch(jdk, "").contains("-XX:+UseCompactObjectHeaders"));
    }

    /** The Docker image runs java directly on JDK 25, so its entry point carries what the launcher gives JDK 25. */
    @Test
    void dockerEntryPointHasTheLauncherOptionsForItsJdk(@TempDir Path home) throws Exception {
        String dockerfile = Files.readString(Path.of("..", "deploy", "Dockerfile"));
        assertTrue(dockerfile.contains("FROM eclipse-temurin:25-jre"), "the image's JDK changed: check this test");
        String entryPoint = dockerfile.lines().filter(line -> line.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        List<String> arguments = launch(fakeJdk(home, "25.0.1"), "");
        for (String option : arguments.subList(0, arguments.indexOf("-jar"))) {
            assertTrue(entryPoint.contains("\"" + option + "\""), option + " missing from " + entryPoint);
        }
    }

    private static Path fakeJdk(Path home, String version) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
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
