package io.pgferry.edge;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code Neon-Connection-String} header of a SQL request: {@code postgresql://user:password@host/db?...} with
 * URL-encoded user and password. Query parameters other than libpq's own connection options become the request's
 * session parameters ({@code application_name}, and {@code -c name=value} pairs of {@code options}).
 */
record NeonConnectionString(String header, String user, String password, String database,
                            Map<String, String> parameters) {
    /** libpq options about the connection itself, which mean nothing once the request reached pgferry. */
    private static final Set<String> CONNECTION_OPTIONS = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey",
            "sslnegotiation", "channel_binding", "connect_timeout", "target_session_attrs", "load_balance_hosts",
            "gssencmode", "requiressl", "sslcompression", "keepalives", "passfile", "client_encoding");
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_.$]*");

    static NeonConnectionString parse(String header) {
        URI uri;
        try {
            uri = new URI(header);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid connection string: " + e.getReason());
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("invalid connection string: expected postgresql://user:password@host/db");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException("invalid connection string: it names no user");
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (user.isEmpty() || database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("invalid connection string: expected postgresql://user:password@host/db");
        }
        return new NeonConnectionString(header, user, password, database, parameters(uri.getRawQuery()));
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals)).toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            if (name.equals("options")) {
                settingsOf(value, parameters);
            } else if (!CONNECTION_OPTIONS.contains(name)) {
                parameters.put(settingName(name), value);
            }
        }
        return parameters;
    }

    /** {@code -c name=value} and {@code --name=value} settings, as PostgreSQL reads its {@code options}. */
    private static void settingsOf(String options, Map<String, String> parameters) {
        String[] words = options.trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            String setting = words[i].equals("-c") && i + 1 < words.length ? words[++i]
                    : words[i].startsWith("--") ? words[i].substring(2) : null;
            int equals = setting == null ? -1 : setting.indexOf('=');
            if (equals > 0) {
                parameters.put(settingName(setting.substring(0, equals).replace('-', '_').toLowerCase(Locale.ROOT)),
                        setting.substring(equals + 1));
            }
        }
    }

    private static String settingName(String name) {
        if (!SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid connection string: \"" + name + "\" is not a setting name");
        }
        return name;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "NeonConnectionString[" + user + "@" + database + "]";
    }
}
