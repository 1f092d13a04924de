package io.pgferry.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a database entry's servers live, parsed from {@code postgres://user:pass@host:port/db?sslmode=...}.
 * A {@code null} user means clients log in upstream as themselves (the PgBouncer model); a {@code null} database
 * means the name the client asked for.
 */
public record Upstream(String host, int port, String database, String user, String password, ServerSslMode sslMode,
                       Path rootCertificate) {

    public static Upstream parse(String url) {
        URI uri = URI.create(url);
        if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
            throw new IllegalArgumentException("expected a postgres:// or postgresql:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("URL has no host");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        String path = uri.getRawPath();
        String database = path == null || path.length() <= 1 ? null : decode(path.substring(1));
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        ServerSslMode sslMode = ServerSslMode.parse(query.getOrDefault("sslmode", "prefer"));
        Path rootCertificate = query.containsKey("sslrootcert") ? Path.of(query.get("sslrootcert")) : null;
        return new Upstream(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user, password,
                sslMode, rootCertificate);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    public Upstream withPassword(String newPassword) {
        return new Upstream(host, port, database, user, newPassword, sslMode, rootCertificate);
    }

    /** The URL without its password, for logs and the admin console. */
    @Override
    public String toString() {
        return "postgres://" + (user == null ? "" : user + "@") + host + ":" + port + "/"
                + (database == null ? "" : database) + "?sslmode=" + sslMode.name().toLowerCase().replace('_', '-');
    }
}
