package io.pgferry;

import com.typesafe.config.ConfigException;
import io.netty.util.ResourceLeakDetector;
import io.pgferry.auth.ScramSecret;
import io.pgferry.config.PgBouncerImport;
import io.pgferry.config.ProxyConfig;
import io.pgferry.context.Listening;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point: runs pgferry as {@link CommandLine} configures it, validates a configuration ({@code --check}), or
 * prints a password's SCRAM verifier ({@code hash-password}). Startup errors end the process with one line.
 */
public final class Main {
    private static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("hash-password")) {
            hashPassword();
            return;
        }
        if (args.length > 0 && args[0].equals("import-pgbouncer")) {
            importPgBouncer(args);
            return;
        }
        Map<String, String> options;
        ProxyConfig config;
        try {
            options = CommandLine.parse(args, System.getenv());
            if (options.containsKey("help")) {
                System.out.println(CommandLine.USAGE);
                return;
            }
            if (options.containsKey("version")) {
                System.out.println("pgferry " + version());
                return;
            }
            config = CommandLine.load(options);
        } catch (IllegalArgumentException | ConfigException e) {
            // One line, no usage text: the message names what is wrong, `--help` the rest.
            System.err.println("pgferry: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.containsKey("check")) {
            System.out.println("configuration OK");
            return;
        }
        LogFormat.apply(config.logFormat());
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
            // Sampled leak tracking records a stack trace per hundred-odd buffers; the tests run it at paranoid.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        Proxy proxy;
        try {
            proxy = Proxy.start(config);
        } catch (Listening.ListenFailure e) {
            System.err.println("pgferry: " + e.getMessage());
            System.exit(1);
            return;
        }
        Lifecycle lifecycle = new Lifecycle(proxy, options.containsKey("config") ? () -> CommandLine.load(options) : null,
                config.shutdownTimeout());
        proxy.context().shared().control(lifecycle);
        lifecycle.handleSignals();
        lifecycle.awaitStop();
    }

    /** Prints the pgferry configuration for a pgbouncer.ini (and its userlist.txt); status 2 with file:line on errors. */
    private static void importPgBouncer(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: pgferry import-pgbouncer pgbouncer.ini [userlist.txt]");
            System.exit(2);
        }
        try {
            System.out.print(PgBouncerImport.convert(args[1], Files.readString(Path.of(args[1])),
                    args.length == 3 ? args[2] : null, args.length == 3 ? Files.readString(Path.of(args[2])) : null));
        } catch (IllegalArgumentException | NoSuchFileException e) {
            System.err.println("pgferry: " + (e instanceof NoSuchFileException ? "no such file " : "") + e.getMessage());
            System.exit(2);
        }
    }

    /** The version the jar's manifest carries ("development" when run from classes). */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    private static void hashPassword() throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (System.console() != null) {
            System.err.print("password: ");
        }
        String password = System.console() != null ? new String(System.console().readPassword()) : in.readLine();
        if (password == null || password.isEmpty()) {
            System.err.println("pgferry: no password given on standard input");
            System.exit(2);
        }
        System.out.println(ScramSecret.derive(password));
    }
}
