package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.pgferry.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd/pgferry.service passes {@code systemd-analyze verify} (with ExecStart pointed at this checkout's
 * launcher, since verify checks that the command exists), reloads with SIGHUP, runs unprivileged, and gives the
 * drain more time than pgferry's shutdown-timeout (issue 26).
 */
class SystemdUnitIT {
    private static final Path UNIT = Path.of("..", "deploy", "systemd", "pgferry.service");

    @Test
    void theUnitVerifiesAndAgreesWithPgferry(@TempDir Path directory) throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("\nExecReload=/bin/kill -HUP $MAINPID\n"));
        assertTrue(unit.contains("\nUser=pgferry\n"));
        assertTrue(unit.contains("\nNoNewPrivileges=yes\n"));
        long stopSeconds = Long.parseLong(unit.replaceAll("(?s).*\nTimeoutStopSec=(\\d+)\n.*", "$1"));
        long drainSeconds = ConfigLoader.fromConfig(ConfigFactory.empty()).shutdownTimeout().toSeconds();
        assertTrue(stopSeconds > drainSeconds, "systemd must not kill pgferry while it drains");

        Path launcher = Path.of("..", "bin", "pgferry").toAbsolutePath().normalize();
        Path local = Files.writeString(directory.resolve("pgferry.service"),
                unit.replace("/opt/pgferry/bin/pgferry", launcher.toString()));
        Process verify = new ProcessBuilder("systemd-analyze", "verify", local.toString()).redirectErrorStream(true)
                .start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(verify.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, verify.exitValue(), output);
        assertFalse(output.contains(local.getFileName().toString()), "no warning about the unit: " + output);
    }
}
