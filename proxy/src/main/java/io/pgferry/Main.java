package io.pgferry;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import io.netty.util.ResourceLeakDetector;
import io.pgferry.auth.ScramSecret;
import io.pgferry.config.ConfigLoader;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.Upstream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command line: {@code pgferry --config FILE}, the zero-config sidecar mode {@code pgferry --upstream URL ...}
 * (each option also from a {@code PGFERRY_*} environment variable), and {@code pgferry hash-password}.
 */
public final class Main {
    private static final String USAGE = """
            usage: pgferry --config FILE
                   pgferry --upstream postgres://user:pass@host:port/db [--listen HOST:PORT]
                           [--pool-mode session|transaction|statement] [--pool-size N]
                           [--tls-cert FILE --tls-key FILE] [--http-listen HOST:PORT] [--cache on|off]
                           [--edge-listen HOST:PORT]
                   pgferry --check --config FILE      validate a configuration and exit
                   pgferry hash-password              read a password on stdin, print its SCRAM verifier
            Each --option may come from the environment instead: PGFERRY_UPSTREAM, PGFERRY_LISTEN,
            PGFERRY_POOL_MODE, PGFERRY_POOL_SIZE, PGFERRY_TLS_CERT, PGFERRY_TLS_KEY, PGFERRY_HTTP_LISTEN, PGFERRY_CACHE,
            PGFERRY_EDGE_LISTEN, PGFERRY_CONFIG.""";

    private static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("hash-password")) {
            hashPassword();
            return;
        }
        Map<String, String> options;
        ProxyConfig config;
        try {
            options = options(args);
            config = load(options);
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("pgferry: " + e.getMessage());
            System.err.println(USAGE);
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
        Proxy proxy = Proxy.start(config);
        Path file = options.containsKey("config") ? Path.of(options.get("config")) : null;
        Lifecycle lifecycle = new Lifecycle(proxy, file, config.shutdownTimeout());
        proxy.context().shared().control(lifecycle);
        lifecycle.handleSignals();
        lifecycle.awaitStop();
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        Map<String, String> environment = Map.of("config", "PGFERRY_CONFIG", "upstream", "PGFERRY_UPSTREAM",
                "listen", "PGFERRY_LISTEN", "pool-mode", "PGFERRY_POOL_MODE", "pool-size", "PGFERRY_POOL_SIZE",
                "tls-cert", "PGFERRY_TLS_CERT", "tls-key", "PGFERRY_TLS_KEY", "http-listen", "PGFERRY_HTTP_LISTEN",
                "cache", "PGFERRY_CACHE", "edge-listen", "PGFERRY_EDGE_LISTEN");
        environment.forEach((option, variable) -> {
            String value = System.getenv(variable);
            if (value != null && !value.isEmpty()) {
                options.put(option, value);
            }
        });
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--check")) {
                options.put("check", "true");
            } else if (arg.startsWith("--") && environment.containsKey(arg.substring(2)) && i + 1 < args.length) {
                options.put(arg.substring(2), args[++i]);
            } else if (arg.startsWith("--") && arg.contains("=") && environment.containsKey(arg.substring(2, arg.indexOf('=')))) {
                options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        return options;
    }

    static ProxyConfig load(Map<String, String> options) {
        if (options.containsKey("config")) {
            return ConfigLoader.load(Path.of(options.get("config")));
        }
        if (!options.containsKey("upstream")) {
            throw new IllegalArgumentException("give --config FILE or --upstream URL");
        }
        return ConfigLoader.fromConfig(ConfigValueFactory.fromMap(sidecar(options)).toConfig());
    }

    /** The zero-config mode as configuration: one wildcard database, one user with the upstream's credentials. */
    static Map<String, Object> sidecar(Map<String, String> options) {
        Upstream upstream;
        try {
            upstream = Upstream.parse(options.get("upstream"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--upstream: " + e.getMessage(), e);
        }
        if (upstream.user() == null || upstream.password() == null) {
            throw new IllegalArgumentException("--upstream must name a user and password: postgres://user:pass@host/db");
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("listen", options.getOrDefault("listen", "127.0.0.1:6432"));
        if (options.containsKey("http-listen")) {
            root.put("http", Map.of("listen", options.get("http-listen")));
        }
        if (options.containsKey("edge-listen")) {
            root.put("edge", Map.of("listen", options.get("edge-listen")));
        }
        Map<String, Object> pool = new LinkedHashMap<>();
        if (options.containsKey("pool-mode")) {
            pool.put("mode", options.get("pool-mode"));
        }
        if (options.containsKey("pool-size")) {
            pool.put("size", options.get("pool-size"));
        }
        root.put("pool", pool);
        if (options.containsKey("cache")) {
            root.put("cache", Map.of("enabled", switch (options.get("cache")) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new IllegalArgumentException("--cache takes on or off, not " + options.get("cache"));
            }));
        }
        if (options.containsKey("tls-cert")) {
            root.put("tls", Map.of("mode", "prefer", "cert-file", options.get("tls-cert"),
                    "key-file", options.getOrDefault("tls-key", "")));
        }
        root.put("databases", Map.of("*", Map.of("upstream", options.get("upstream"))));
        root.put("users", Map.of(upstream.user(), Map.of("password", upstream.password())));
        root.put("admin-users", java.util.List.of(upstream.user()));
        return Map.of("pgferry", root);
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
