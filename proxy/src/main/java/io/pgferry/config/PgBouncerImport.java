package io.pgferry.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code pgferry import-pgbouncer pgbouncer.ini [userlist.txt]}: the pgferry configuration that does what a
 * PgBouncer configuration does, as HOCON text. Every setting it cannot carry over becomes a comment saying so.
 * Timeouts are PgBouncer's seconds. Upstream passwords pgferry needs but a userlist does not hold (SCRAM or MD5
 * secrets) become placeholders that an environment variable fills.
 */
public final class PgBouncerImport {
    private enum Kind { SECONDS, NUMBER, TEXT }

    private record Setting(String path, Kind kind) {
    }

    /** The [pgbouncer] settings with a direct counterpart, under pgferry's names. */
    private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

    static {
        SETTINGS.put("pool_mode", new Setting("pool.mode", Kind.TEXT));
        SETTINGS.put("default_pool_size", new Setting("pool.size", Kind.NUMBER));
        SETTINGS.put("min_pool_size", new Setting("pool.min-idle", Kind.NUMBER));
        SETTINGS.put("reserve_pool_size", new Setting("pool.reserve-size", Kind.NUMBER));
        SETTINGS.put("reserve_pool_timeout", new Setting("pool.reserve-timeout", Kind.SECONDS));
        SETTINGS.put("server_lifetime", new Setting("pool.max-lifetime", Kind.SECONDS));
        SETTINGS.put("server_idle_timeout", new Setting("pool.idle-timeout", Kind.SECONDS));
        SETTINGS.put("server_connect_timeout", new Setting("pool.connect-timeout", Kind.SECONDS));
        SETTINGS.put("server_login_retry", new Setting("pool.login-retry", Kind.SECONDS));
        SETTINGS.put("query_timeout", new Setting("pool.query-timeout", Kind.SECONDS));
        SETTINGS.put("query_wait_timeout", new Setting("pool.acquire-timeout", Kind.SECONDS));
        SETTINGS.put("transaction_timeout", new Setting("pool.transaction-timeout", Kind.SECONDS));
        SETTINGS.put("server_reset_query", new Setting("pool.reset-query", Kind.TEXT));
        SETTINGS.put("server_check_delay", new Setting("pool.server-check-delay", Kind.SECONDS));
        SETTINGS.put("server_check_query", new Setting("pool.server-check-query", Kind.TEXT));
        SETTINGS.put("max_client_conn", new Setting("max-client-connections", Kind.NUMBER));
        SETTINGS.put("max_db_connections", new Setting("max-db-connections", Kind.NUMBER));
        SETTINGS.put("max_user_connections", new Setting("max-user-connections", Kind.NUMBER));
        SETTINGS.put("client_idle_timeout", new Setting("client-idle-timeout", Kind.SECONDS));
        SETTINGS.put("client_login_timeout", new Setting("client-login-timeout", Kind.SECONDS));
        SETTINGS.put("idle_transaction_timeout", new Setting("idle-transaction-timeout", Kind.SECONDS));
        SETTINGS.put("cancel_wait_timeout", new Setting("cancel-wait-timeout", Kind.SECONDS));
        SETTINGS.put("stats_period", new Setting("stats-period", Kind.SECONDS));
        SETTINGS.put("autodb_idle_timeout", new Setting("autodb-idle-timeout", Kind.SECONDS));
        SETTINGS.put("unix_socket_dir", new Setting("listen-unix", Kind.TEXT));
        SETTINGS.put("client_tls_cert_file", new Setting("tls.cert-file", Kind.TEXT));
        SETTINGS.put("client_tls_key_file", new Setting("tls.key-file", Kind.TEXT));
        SETTINGS.put("client_tls_ca_file", new Setting("tls.client-ca-file", Kind.TEXT));
        SETTINGS.put("auth_user", new Setting("auth-user", Kind.TEXT));
        SETTINGS.put("auth_query", new Setting("auth-query", Kind.TEXT));
        SETTINGS.put("auth_hba_file", new Setting("hba-file", Kind.TEXT));
        SETTINGS.put("auth_ident_file", new Setting("ident-file", Kind.TEXT));
    }

    /** Settings read elsewhere in the conversion (listen address, auth, TLS modes, user lists, logging). */
    private static final Set<String> HANDLED = Set.of("listen_addr", "listen_port", "auth_type", "auth_file",
            "client_tls_sslmode", "server_tls_sslmode", "server_tls_ca_file", "admin_users", "stats_users",
            "log_connections", "log_disconnections", "max_prepared_statements");
    /** Keys of a [databases] connection string that have a counterpart. */
    private static final Set<String> DATABASE_KEYS = Set.of("host", "port", "dbname", "user", "password", "pool_size",
            "pool_mode", "max_db_connections", "min_pool_size", "reserve_pool_size", "auth_user", "auth_query");

    private final IniFile ini;
    private final Map<String, String> secrets;
    private final StringBuilder out = new StringBuilder();

    private PgBouncerImport(IniFile ini, Map<String, String> secrets) {
        this.ini = ini;
        this.secrets = secrets;
    }

    /** The configuration for {@code iniText} and, if given, the userlist's secrets; fails with file:line. */
    public static String convert(String iniName, String iniText, String userlistName, String userlistText) {
        IniFile ini = IniFile.parse(iniName, iniText);
        Map<String, String> secrets = userlistText == null ? Map.of() : Userlist.parse(userlistName, userlistText);
        return new PgBouncerImport(ini, secrets).convert(iniName);
    }

    private String convert(String iniName) {
        out.append("# pgferry configuration converted from ").append(iniName).append(" by pgferry import-pgbouncer.\n")
                .append("pgferry {\n");
        listen();
        for (IniFile.Entry entry : ini.section("pgbouncer")) {
            String key = entry.key().toLowerCase(Locale.ROOT);
            Setting setting = SETTINGS.get(key);
            if (setting != null) {
                line(setting.path(), value(entry, setting.kind()));
            } else if (!HANDLED.contains(key)) {
                comment(key + " = " + entry.value() + ": not carried over (no pgferry counterpart)");
            }
        }
        authentication();
        tls();
        String prepared = ini.value("pgbouncer", "max_prepared_statements");
        if (prepared != null && Integer.parseInt(prepared) > 0) {
            line("max-prepared-statements", prepared);
        } else if (prepared != null) {
            comment("max_prepared_statements = 0: pgferry always tracks prepared statements (default 200 per server)");
        }
        String logs = ini.value("pgbouncer", "log_connections");
        if (logs != null) {
            line("log-connections", logs.equals("1") ? "true" : "false");
        }
        list("admin-users", ini.value("pgbouncer", "admin_users"));
        list("stats-users", ini.value("pgbouncer", "stats_users"));
        String authFile = ini.value("pgbouncer", "auth_file");
        if (authFile != null && secrets.isEmpty()) {
            comment("auth_file = " + authFile + ": pass it as the second argument to import its users");
        }
        new DatabaseEntries(ini, this::upstreamParameters).write(out);
        new UserEntries(ini, secrets).write(out, perClientLogins());
        return out.append("}\n").toString();
    }

    private void listen() {
        String address = ini.value("pgbouncer", "listen_addr");
        String port = ini.value("pgbouncer", "listen_port");
        if (address == null || address.isBlank()) {
            comment("listen_addr unset: PgBouncer listened on its Unix socket only; pgferry also listens on TCP");
            address = "127.0.0.1";
        }
        String first = address.split(",")[0].strip();
        if (address.contains(",")) {
            comment("listen_addr = " + address + ": pgferry listens on one address, the first");
        }
        line("listen", quote((first.equals("*") ? "0.0.0.0" : first) + ":" + (port == null ? "6432" : port)));
    }

    private void authentication() {
        String type = ini.value("pgbouncer", "auth_type");
        if (type == null) {
            return;
        }
        switch (type) {
            case "scram-sha-256", "md5", "trust" -> line("auth-method", type);
            case "plain" -> line("auth-method", "password");
            case "any" -> {
                line("auth-method", "trust");
                comment("auth_type = any: trust is the nearest; pgferry still requires a known user name");
            }
            case "hba" -> comment("auth_type = hba: the hba-file rules choose the method"
                    + (ini.value("pgbouncer", "auth_hba_file") == null ? " (set hba-file: auth_hba_file is unset)" : ""));
            case "cert" -> comment("auth_type = cert: write hostssl lines with method cert in an hba-file "
                    + "(and set tls.client-ca-file)");
            default -> comment("auth_type = " + type + ": not supported (pam, ldap); scram-sha-256 applies");
        }
    }

    private void tls() {
        String mode = ini.value("pgbouncer", "client_tls_sslmode");
        if (mode == null) {
            return;
        }
        if (mode.startsWith("verify")) {
            comment("client_tls_sslmode = " + mode + ": pgferry asks for client certificates (tls.client-ca-file) "
                    + "but requires them only on hba-file lines with clientcert=" + mode + " or method cert");
            mode = "require";
        }
        line("tls.mode", mode);
    }

    /** The {@code ?sslmode=...&sslrootcert=...} every upstream URL gets from server_tls_sslmode and its CA file. */
    private String upstreamParameters() {
        String mode = ini.value("pgbouncer", "server_tls_sslmode");
        String ca = ini.value("pgbouncer", "server_tls_ca_file");
        return "?sslmode=" + (mode == null ? "prefer" : mode) + (ca == null ? "" : "&sslrootcert=" + ca);
    }

    /** Whether some database entry logs each client in upstream as itself (no user= in its connection string). */
    private boolean perClientLogins() {
        return ini.section("databases").stream().anyMatch(entry -> !ini.connectString(entry).containsKey("user"));
    }

    private Object value(IniFile.Entry entry, Kind kind) {
        return switch (kind) {
            case SECONDS -> seconds(entry);
            case NUMBER -> {
                if (!entry.value().matches("\\d+")) {
                    throw ini.error(entry.line(), entry.key() + " must be a whole number, not " + entry.value());
                }
                yield entry.value();
            }
            case TEXT -> quote(entry.value());
        };
    }

    /** PgBouncer's seconds (fractions allowed) as a HOCON duration. */
    private String seconds(IniFile.Entry entry) {
        if (!entry.value().matches("\\d+(\\.\\d+)?")) {
            throw ini.error(entry.line(), entry.key() + " must be a number of seconds, not " + entry.value());
        }
        double seconds = Double.parseDouble(entry.value());
        return seconds == Math.rint(seconds) ? (long) seconds + "s" : Math.round(seconds * 1000) + "ms";
    }

    private void list(String key, String commaSeparated) {
        if (commaSeparated != null && !commaSeparated.isBlank()) {
            line(key, "[" + String.join(", ", java.util.Arrays.stream(commaSeparated.split(","))
                    .map(String::strip).map(PgBouncerImport::quote).toList()) + "]");
        }
    }

    private void line(String key, Object value) {
        out.append("  ").append(key).append(" = ").append(value).append('\n');
    }

    private void comment(String text) {
        out.append("  # ").append(text).append('\n');
    }

    /** A HOCON string literal. */
    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String urlPart(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static List<String> databaseKeys() {
        return List.copyOf(DATABASE_KEYS);
    }
}
