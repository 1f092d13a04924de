package io.pgferry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.pgferry.config.ConfigLoader;
import io.pgferry.config.ProxyConfig;
import io.pgferry.config.Upstream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * pgferry's command line: the options (each also from a {@code PGFERRY_*} environment variable, the option
 * winning), and the configuration they make: with {@code --config}, the file with the other options applied over
 * it; without, the zero-config sidecar mode.
 */
final class CommandLine {
    /** The options that take a value, and what the value is (for "--upstream needs a URL"). */
    private static final Map<String, String> VALUES = new LinkedHashMap<>();

    static {
        VALUES.put("config", "FILE");
        VALUES.put("upstream", "URL");
        VALUES.put("listen", "HOST:PORT");
        VALUES.put("pool-mode", "mode (session, transaction or statement)");
        VALUES.put("pool-size", "number");
        VALUES.put("tls-cert", "FILE");
        VALUES.put("tls-key", "FILE");
        VALUES.put("tls-mode", "mode (disable, allow, prefer or require)");
        VALUES.put("http-listen", "HOST:PORT");
        VALUES.put("edge-listen", "HOST:PORT");
        VALUES.put("cache", "on or off");
    }

    static final String USAGE = """
            usage: pgferry --config FILE [OPTIONS]
                   pgferry --upstream postgres://user:pass@host:port/db [OPTIONS]
                   pgferry --check --config FILE      validate a configuration and exit
                   pgferry hash-password              read a password on stdin, print its SCRAM verifier
                   pgferry import-pgbouncer pgbouncer.ini [userlist.txt]
                                                      print the equivalent pgferry configuration
                   pgferry --version | --help
            OPTIONS (with --config they override the file's settings; --upstream is the sidecar mode's alone):
              --listen HOST:PORT          PostgreSQL port (default 127.0.0.1:6432)
              --pool-mode MODE            session, transaction or statement
              --pool-size N               servers per pool
              --tls-cert FILE --tls-key FILE [--tls-mode disable|allow|prefer|require]
                                          client TLS (mode prefer when a certificate is given)
              --http-listen HOST:PORT     /metrics, /health, /ready
              --edge-listen HOST:PORT     SQL over HTTP and WebSocket for edge clients
              --cache on|off              the query-result cache
            Each option may come from the environment instead: PGFERRY_CONFIG, PGFERRY_UPSTREAM, PGFERRY_LISTEN,
            PGFERRY_POOL_MODE, PGFERRY_POOL_SIZE, PGFERRY_TLS_CERT, PGFERRY_TLS_KEY, PGFERRY_TLS_MODE,
            PGFERRY_HTTP_LISTEN, PGFERRY_EDGE_LISTEN, PGFERRY_CACHE; an option on the command line wins.""";

    private CommandLine() {
    }

    /** The options of {@code args} over those of {@code environment}; flags map to "true". */
    static Map<String, String> parse(String[] args, Map<String, String> environment) {
        Map<String, String> options = new HashMap<>();
        VALUES.keySet().forEach(option -> {
            String value = environment.get("PGFERRY_" + option.toUpperCase(Locale.ROOT).replace('-', '_'));
            if (value != null && !value.isEmpty()) {
                options.put(option, value);
            }
        });
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2, arg.contains("=") ? arg.indexOf('=') : arg.length())
                    : arg;
            if (List.of("check", "help", "version").contains(name) || arg.equals("-h")) {
                options.put(arg.equals("-h") ? "help" : name, "true");
            } else if (!arg.startsWith("--") || !VALUES.containsKey(name)) {
                throw new IllegalArgumentException("unknown argument " + arg);
            } else if (arg.contains("=")) {
                options.put(name, arg.substring(arg.indexOf('=') + 1));
            } else if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new IllegalArgumentException("--" + name + " needs a " + VALUES.get(name));
            } else {
                options.put(name, args[++i]);
            }
        }
        return options;
    }

    static ProxyConfig load(Map<String, String> options) {
        if (options.containsKey("config")) {
            if (options.containsKey("upstream")) {
                throw new IllegalArgumentException("--upstream is the sidecar mode's: with --config, name upstreams "
                        + "in the file's databases");
            }
            Config overrides = ConfigValueFactory.fromMap(Map.of("pgferry", settings(options))).toConfig();
            return ConfigLoader.load(Path.of(options.get("config")), overrides);
        }
        if (!options.containsKey("upstream")) {
            throw new IllegalArgumentException("give --config FILE or --upstream URL (pgferry --help)");
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
        Map<String, Object> root = settings(options);
        root.put("databases", Map.of("*", Map.of("upstream", options.get("upstream"))));
        root.put("users", Map.of(upstream.user(), Map.of("password", upstream.password())));
        root.put("admin-users", List.of(upstream.user()));
        return Map.of("pgferry", root);
    }

    /** The settings the options other than --config and --upstream make, as a configuration tree. */
    private static Map<String, Object> settings(Map<String, String> options) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (options.containsKey("listen")) {
            root.put("listen", options.get("listen"));
        }
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
        if (!pool.isEmpty()) {
            root.put("pool", pool);
        }
        if (options.containsKey("cache")) {
            root.put("cache", Map.of("enabled", switch (options.get("cache")) {
                case "on", "true" -> true;
                case "off", "false" -> false;
                default -> throw new IllegalArgumentException("--cache takes on or off, not " + options.get("cache"));
            }));
        }
        Map<String, Object> tls = new LinkedHashMap<>();
        if (options.containsKey("tls-cert")) {
            tls.put("mode", "prefer");
            tls.put("cert-file", options.get("tls-cert"));
            tls.put("key-file", options.getOrDefault("tls-key", ""));
        }
        if (options.containsKey("tls-mode")) {
            tls.put("mode", options.get("tls-mode"));
        }
        if (!tls.isEmpty()) {
            root.put("tls", tls);
        }
        return root;
    }
}
