package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.config.ClientTlsMode;
import io.pgferry.config.PoolMode;
import io.pgferry.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
    private static final String UPSTREAM = "postgres://app:secret@db.internal:5432/app";

    private static String refusal(Map<String, String> environment, String... args) {
        return assertThrows(IllegalArgumentException.class,
                () -> CommandLine.load(CommandLine.parse(args, environment))).getMessage();
    }

    @Test
    void flagsAndMissingValuesAreSaidPlainly() {
        assertEquals("true", CommandLine.parse(new String[] {"-h"}, Map.of()).get("help"));
        assertEquals("true", CommandLine.parse(new String[] {"--help"}, Map.of()).get("help"));
        assertEquals("true", CommandLine.parse(new String[] {"--version"}, Map.of()).get("version"));
        assertEquals("--upstream needs a URL", refusal(Map.of(), "--upstream"));
        assertEquals("--listen needs a HOST:PORT", refusal(Map.of(), "--listen", "--check"));
        assertEquals("unknown argument --lisen", refusal(Map.of(), "--lisen", "x"));
        assertTrue(refusal(Map.of()).startsWith("give --config FILE or --upstream URL"));
    }

    @Test
    void theSidecarModeTakesEveryOptionAndCanRequireTls() {
        ProxyConfig config = CommandLine.load(CommandLine.parse(new String[] {"--upstream", UPSTREAM,
                "--pool-mode", "transaction", "--tls-cert", "../config/none.crt", "--tls-key", "x", "--tls-mode",
                "disable"}, Map.of("PGFERRY_LISTEN", "127.0.0.1:7000", "PGFERRY_POOL_MODE", "session")));
        assertEquals(7000, config.listen().getPort(), "from the environment");
        assertEquals(PoolMode.TRANSACTION, config.databases().get("*").pool().mode(), "the option wins");
        assertEquals(ClientTlsMode.DISABLE, config.clientTls().mode());
        assertTrue(assertThrows(RuntimeException.class, () -> CommandLine.load(CommandLine.parse(new String[] {
                "--upstream", UPSTREAM, "--tls-mode", "require"}, Map.of()))).getMessage().contains("cert-file"));
    }

    @Test
    void optionsOverrideTheFileAndUpstreamConflictsWithIt(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("pgferry.conf");
        Files.writeString(file, """
                pgferry {
                  listen = "127.0.0.1:6432"
                  pool { mode = session, size = 7 }
                  databases { app { upstream = "postgres://u:p@h/app" } }
                }
                """);
        ProxyConfig config = CommandLine.load(CommandLine.parse(new String[] {"--config", file.toString(),
                "--pool-mode", "transaction"}, Map.of("PGFERRY_LISTEN", "0.0.0.0:16432")));
        assertEquals(16432, config.listen().getPort(), "the Docker image's PGFERRY_LISTEN applies over the file");
        assertEquals(PoolMode.TRANSACTION, config.databases().get("app").pool().mode());
        assertEquals(7, config.databases().get("app").pool().size(), "what no option names stays the file's");
        assertTrue(refusal(Map.of(), "--config", file.toString(), "--upstream", UPSTREAM)
                .startsWith("--upstream is the sidecar mode's"));
    }
}
