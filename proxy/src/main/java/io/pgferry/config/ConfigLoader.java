package io.pgferry.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import io.pgferry.auth.Md5Password;
import io.pgferry.auth.ScramSecret;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads HOCON configuration (the file given, over {@code reference.conf}) into a validated {@link ProxyConfig}.
 * Every problem is reported as a {@link ConfigException} naming the key and what is wrong with it.
 * Plain passwords are turned into SCRAM verifiers here (one PBKDF2 each), on the caller's thread, never an event loop.
 */
public final class ConfigLoader {
    private static final String ROOT = "pgferry";

    private ConfigLoader() {
    }

    public static ProxyConfig load(Path file) {
        return load(file, ConfigFactory.empty());
    }

    /** The file's configuration with {@code overrides} (the command line's options) taking precedence. */
    public static ProxyConfig load(Path file, Config overrides) {
        if (!Files.isReadable(file)) {
            throw new ConfigException.Generic("cannot read configuration file " + file);
        }
        return fromConfig(overrides.withFallback(ConfigFactory.parseFile(file.toFile())));
    }

    /** Validates {@code overrides} layered over the environment, system properties and reference.conf. */
    public static ProxyConfig fromConfig(Config overrides) {
        try {
            return validated(overrides);
        } catch (ConfigException.Missing e) {
            // HOCON's ${?NAME} reads the environment, and system properties before it.
            throw UnsetVariables.explain(e, overrides.root(),
                    name -> System.getProperty(name) != null ? System.getProperty(name) : System.getenv(name));
        }
    }

    private static ProxyConfig validated(Config overrides) {
        // An explicit class loader: reloads run on the SIGHUP thread, which has no context class loader.
        ClassLoader loader = ConfigLoader.class.getClassLoader();
        Config reference = ConfigFactory.defaultReference(loader);
        if (overrides.root().get(ROOT) instanceof ConfigObject section) {
            ConfigKeys.check(section, reference.getObject(ROOT));
        }
        Config config = ConfigFactory.defaultOverrides(loader).withFallback(overrides)
                .withFallback(reference).resolve().getConfig(ROOT);
        PoolSettings poolDefaults = pool(config.getConfig("pool"), "pgferry.pool");
        AuthMethod defaultMethod = choice(config, "pgferry.", "auth-method", AuthMethod.class, AuthMethod::configName);
        ClientTlsConfig clientTls = clientTls(config.getConfig("tls"));
        return new ProxyConfig(
                listen(config, "listen"),
                config.getString("http.listen").isEmpty() ? null : listen(config, "http.listen"),
                transport(config),
                threads(config),
                positive(config, "max-client-connections"),
                (int) Math.min(Integer.MAX_VALUE, config.getBytes("max-message-size")),
                defaultMethod,
                positive(config, "max-prepared-statements"),
                config.getBytes("max-prepared-statement-memory"),
                clientTls,
                config.getDuration("client-login-timeout"),
                nonNegative(config, "client-idle-timeout"),
                nonNegative(config, "idle-transaction-timeout"),
                nonNegative(config, "cancel-wait-timeout"),
                config.getDuration("housekeeping-interval"),
                positiveDuration(config, "stats-period"),
                nonNegative(config, "shutdown-timeout"),
                choice(config, "pgferry.", "log-format", ProxyConfig.LogFormat.class),
                config.getBoolean("log-connections"),
                databases(config),
                users(config.getConfig("users"), defaultMethod),
                java.util.Set.copyOf(config.getStringList("admin-users")),
                java.util.Set.copyOf(config.getStringList("stats-users")),
                count(config, "max-user-connections"),
                count(config, "max-logins-in-progress"),
                positive(config, "max-auto-pools"),
                nonNegative(config, "autodb-idle-timeout"),
                edge(config.getConfig("edge"), clientTls),
                config.getString("listen-unix").isEmpty() ? null : Path.of(config.getString("listen-unix")),
                config.getString("hba-file").isEmpty() ? null : parse(config, "hba-file",
                        text -> HbaRules.load(Path.of(text), config.getString("ident-file").isEmpty() ? null
                                : Path.of(config.getString("ident-file")))),
                nonNegative(config, "auth-failure-delay"),
                authQuery(config),
                nonNegative(config, "ban-time"),
                nonNegative(config, "health-check-interval"),
                nonNegative(config, "max-replica-lag"));
    }

    private static AuthQueryConfig authQuery(Config config) {
        String user = config.getString("auth-user");
        return user.isEmpty() ? null : authQuery(config, user, config.getString("auth-query"), "pgferry.auth-user",
                config.getValue("auth-user").origin());
    }

    /** A database entry's own auth-user (and auth-query, else the global text), or {@code null} without one. */
    private static AuthQueryConfig authQuery(Config config, Config database, String path) {
        if (!database.hasPath("auth-user")) {
            if (database.hasPath("auth-query")) {
                throw new ConfigException.Missing(database.getValue("auth-query").origin(), path + ".auth-user");
            }
            return null;
        }
        String query = database.hasPath("auth-query") ? database.getString("auth-query")
                : config.getString("auth-query");
        return authQuery(config, database.getString("auth-user"), query, path + ".auth-user",
                database.getValue("auth-user").origin());
    }

    private static AuthQueryConfig authQuery(Config config, String user, String query, String path,
                                             ConfigOrigin origin) {
        if (!config.hasPath("users." + quoted(user))) {
            throw new ConfigException.BadValue(origin, path,
                    "'" + user + "' is not one of pgferry.users: auth-query runs logged in as a configured user");
        }
        return new AuthQueryConfig(user, query, nonNegative(config, "auth-cache-ttl"),
                nonNegative(config, "auth-cache-negative-ttl"));
    }

    /** Without a TLS certificate the edge listener speaks plain HTTP, which only a loopback address may carry. */
    private static EdgeConfig edge(Config edge, ClientTlsConfig clientTls) {
        InetSocketAddress listen = edge.getString("listen").isEmpty() ? null : listen(edge, "listen");
        if (listen != null && !clientTls.mode().offersTls() && !listen.getAddress().isLoopbackAddress()) {
            throw new ConfigException.BadValue(edge.origin(), "pgferry.edge.listen", "'" + edge.getString("listen")
                    + "' is not a loopback address: the edge listener needs TLS (pgferry.tls) to listen beyond it");
        }
        long maxRequest = edge.getBytes("max-request-size");
        if (maxRequest <= 0 || maxRequest > Integer.MAX_VALUE) {
            throw new ConfigException.BadValue(edge.origin(), "pgferry.edge.max-request-size",
                    "must be between 1 byte and 2GiB");
        }
        return new EdgeConfig(listen, edge.getBoolean("websocket-password-auth"), (int) maxRequest,
                edge.getBytes("max-response-size"), positiveDuration(edge, "request-timeout"),
                positiveDuration(edge, "idle-timeout"));
    }

    static InetSocketAddress listen(Config config, String key) {
        String text = config.getString(key);
        int colon = text.lastIndexOf(':');
        try {
            if (colon < 0) {
                throw new IllegalArgumentException("expected HOST:PORT");
            }
            int port = Integer.parseInt(text.substring(colon + 1));
            String host = text.substring(0, colon);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range");
            }
            return new InetSocketAddress(host.isEmpty() || host.equals("*") ? "0.0.0.0" : host, port);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(config.origin(), key, "'" + text + "': " + e.getMessage());
        }
    }

    private static String transport(Config config) {
        String transport = config.getString("transport");
        if (!java.util.List.of("auto", "io_uring", "epoll", "nio").contains(transport)) {
            throw new ConfigException.BadValue(config.origin(), "transport", "must be auto, io_uring, epoll or nio");
        }
        return transport;
    }

    /** 0 means half the cores, at least one: see reference.conf for why not one per core. */
    private static int threads(Config config) {
        int threads = config.getInt("threads");
        if (threads < 0) {
            throw new ConfigException.BadValue(config.origin(), "threads", "must be 0 (automatic) or positive");
        }
        return threads == 0 ? Math.max(1, Runtime.getRuntime().availableProcessors() / 2) : threads;
    }

    private static ClientTlsConfig clientTls(Config tls) {
        ClientTlsMode mode = choice(tls, "pgferry.tls.", "mode", ClientTlsMode.class);
        Path certificate = null;
        Path key = null;
        if (mode.offersTls()) {
            certificate = readableFile(tls, "cert-file");
            key = readableFile(tls, "key-file");
        }
        Path clientCa = tls.getString("client-ca-file").isEmpty() ? null : readableFile(tls, "client-ca-file");
        return new ClientTlsConfig(mode, certificate, key, tls.getBoolean("pipelined-login"), clientCa);
    }

    private static Path readableFile(Config config, String key) {
        String name = config.getString(key);
        if (name.isEmpty() || !Files.isReadable(Path.of(name))) {
            throw new ConfigException.BadValue(config.origin(), "pgferry.tls." + key,
                    name.isEmpty() ? "required when TLS is enabled" : "cannot read file " + name);
        }
        return Path.of(name);
    }

    private static PoolSettings pool(Config pool, String path) {
        int size = positive(pool, "size");
        int minIdle = pool.getInt("min-idle");
        if (minIdle < 0 || minIdle > size) {
            throw new ConfigException.BadValue(pool.origin(), path + ".min-idle", "must be between 0 and size (" + size + ")");
        }
        double jitter = pool.getDouble("lifetime-jitter");
        if (jitter < 0 || jitter >= 1) {
            throw new ConfigException.BadValue(pool.origin(), path + ".lifetime-jitter", "must be in [0, 1)");
        }
        return new PoolSettings(
                choice(pool, path + ".", "mode", PoolMode.class),
                size, minIdle,
                nonNegative(pool, "acquire-timeout"),
                nonNegative(pool, "idle-timeout"),
                nonNegative(pool, "max-lifetime"),
                jitter,
                nonNegative(pool, "connect-timeout"),
                pool.getString("reset-query"),
                nonNegative(pool, "login-retry"),
                count(pool, "reserve-size"),
                nonNegative(pool, "reserve-timeout"),
                nonNegative(pool, "query-timeout"),
                nonNegative(pool, "transaction-timeout"),
                nonNegative(pool, "failover-buffer-timeout"),
                nonNegative(pool, "server-check-delay"),
                pool.getString("server-check-query"),
                choice(pool, path + ".", "read-routing", ReadRouting.class),
                nonNegative(pool, "read-your-writes-window"));
    }

    private static CacheSettings cache(Config cache, String path) {
        long maxBytes = cache.getBytes("max-bytes");
        if (maxBytes <= 0) {
            throw new ConfigException.BadValue(cache.origin(), path + ".max-bytes", "must be positive");
        }
        return new CacheSettings(cache.getBoolean("enabled"), positiveDuration(cache, "max-age"),
                nonNegative(cache, "stale-while-revalidate"), maxBytes, cache.getBytes("max-result-bytes"));
    }

    private static Map<String, DatabaseConfig> databases(Config config) {
        Config databases = config.getConfig("databases");
        Config poolDefaults = config.getConfig("pool");
        Config cacheDefaults = config.getConfig("cache");
        int maxConnections = count(config, "max-db-connections");
        Map<String, DatabaseConfig> result = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> entry : databases.root().entrySet()) {
            String name = entry.getKey();
            String path = "pgferry.databases." + quoted(name);
            if (entry.getValue().valueType() == com.typesafe.config.ConfigValueType.NULL) {
                continue;
            }
            if (!(entry.getValue().valueType() == com.typesafe.config.ConfigValueType.OBJECT)) {
                throw new ConfigException.BadValue(entry.getValue().origin(), path, "must be an object with an upstream URL");
            }
            Config database = databases.getConfig(quoted(name));
            Upstream upstream = parse(database, "upstream", Upstream::parse);
            if (database.hasPath("password")) {
                upstream = upstream.withPassword(database.getString("password"));
            }
            Config pool = database.hasPath("pool") ? database.getConfig("pool").withFallback(poolDefaults) : poolDefaults;
            int limit = database.hasPath("max-connections") ? count(database, "max-connections") : maxConnections;
            Config cache = database.hasPath("cache") ? database.getConfig("cache").withFallback(cacheDefaults)
                    : cacheDefaults;
            PoolSettings settings = pool(pool, path + ".pool");
            // A global read-routing = auto applies to the entries that name a primary; an entry's own must.
            if (database.hasPath("pool.read-routing") && settings.readRouting() == ReadRouting.AUTO
                    && !upstream.target().wantsPrimary()) {
                throw new ConfigException.BadValue(database.origin(), path + ".pool.read-routing",
                        "auto sends writes to the upstream's primary: its URL needs target_session_attrs=read-write "
                                + "or primary, not " + upstream.target().configName());
            }
            result.put(name, new DatabaseConfig(name, upstream, settings, limit, cache(cache, path + ".cache"),
                    authQuery(config, database, path)));
        }
        return Map.copyOf(result);
    }

    private static Map<String, UserConfig> users(Config users, AuthMethod defaultMethod) {
        Map<String, UserConfig> result = new LinkedHashMap<>();
        for (String name : users.root().keySet()) {
            String path = "pgferry.users." + quoted(name);
            Config user = users.getConfig(quoted(name));
            AuthMethod method = user.hasPath("auth-method") ? choice(user, path + ".", "auth-method", AuthMethod.class,
                    AuthMethod::configName) : defaultMethod;
            PoolMode poolMode = user.hasPath("pool-mode") ? choice(user, path + ".", "pool-mode", PoolMode.class) : null;
            String password = user.hasPath("password") ? user.getString("password") : null;
            if (password == null && method != AuthMethod.TRUST) {
                throw new ConfigException.Missing(user.origin(), path + ".password");
            }
            ScramSecret scram = null;
            String md5 = null;
            String plain = user.hasPath("upstream-password") ? user.getString("upstream-password") : null;
            if (password != null && ScramSecret.looksLikeVerifier(password)) {
                scram = parse(user, "password", ScramSecret::parse);
            } else if (password != null && password.matches("md5[0-9a-f]{32}")) {
                md5 = password;
            } else if (password != null) {
                scram = ScramSecret.derive(password);
                md5 = Md5Password.stored(name, password);
                plain = plain == null ? password : plain;
            }
            if (method == AuthMethod.MD5 && md5 == null) {
                throw new ConfigException.BadValue(user.origin(), path + ".password",
                        "md5 authentication needs a plain password or an md5 hash, not a SCRAM verifier");
            }
            if ((method == AuthMethod.SCRAM_SHA_256 || method == AuthMethod.PASSWORD) && scram == null) {
                throw new ConfigException.BadValue(user.origin(), path + ".password",
                        method.configName() + " authentication needs a plain password or a SCRAM verifier");
            }
            int maxConnections = user.hasPath("max-connections") ? count(user, "max-connections") : 0;
            result.put(name, new UserConfig(name, method, scram, md5, plain, poolMode, maxConnections));
        }
        return Map.copyOf(result);
    }

    private interface Parser<T> {
        T parse(String text);
    }

    /** An enumeration's value by its lower-case name; a wrong one is told the names it may take, not Java's. */
    private static <E extends Enum<E>> E choice(Config config, String prefix, String key, Class<E> type) {
        return choice(config, prefix, key, type, value -> value.name().toLowerCase(Locale.ROOT));
    }

    private static <E extends Enum<E>> E choice(Config config, String prefix, String key, Class<E> type,
                                                Function<E, String> configName) {
        String text = config.getString(key);
        List<String> names = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            String name = configName.apply(value);
            if (name.equalsIgnoreCase(text)) {
                return value;
            }
            names.add(name);
        }
        throw new ConfigException.Generic(config.getValue(key).origin().description() + ": " + prefix + key + ": "
                + text + " is not one of " + String.join(", ", names));
    }

    private static <T> T parse(Config config, String key, Parser<T> parser) {
        String text = config.getString(key);
        try {
            return parser.parse(text);
        } catch (IllegalArgumentException e) {
            String shown = key.contains("password") || key.equals("upstream") ? "" : "'" + text + "': ";
            throw new ConfigException.BadValue(config.origin(), key, shown + e.getMessage());
        }
    }

    private static int positive(Config config, String key) {
        int value = config.getInt(key);
        if (value <= 0) {
            throw new ConfigException.BadValue(config.origin(), key, "must be positive, got " + value);
        }
        return value;
    }

    private static int count(Config config, String key) {
        int value = config.getInt(key);
        if (value < 0) {
            throw new ConfigException.BadValue(config.origin(), key, "must not be negative, got " + value);
        }
        return value;
    }

    private static Duration positiveDuration(Config config, String key) {
        Duration value = config.getDuration(key);
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException.BadValue(config.origin(), key, "must be positive");
        }
        return value;
    }

    private static Duration nonNegative(Config config, String key) {
        Duration value = config.getDuration(key);
        if (value.isNegative()) {
            throw new ConfigException.BadValue(config.origin(), key, "must not be negative");
        }
        return value;
    }

    private static String quoted(String key) {
        return "\"" + key.replace("\"", "\\\"") + "\"";
    }
}
