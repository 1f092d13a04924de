package io.pgferry.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a database entry's servers live, parsed from libpq's URL syntax,
 * {@code postgres://user:pass@host1:port1,host2:port2/db?sslmode=...&target_session_attrs=...&load_balance_hosts=...}.
 * A {@code null} user means clients log in upstream as themselves (the PgBouncer model); a {@code null} database
 * means the name the client asked for. Several hosts are tried in order (or shuffled with
 * {@code load_balance_hosts}, {@link LoadBalance}) until one of the role {@code target} wants accepts the login.
 */
public record Upstream(List<Host> hosts, String database, String user, String password, ServerSslMode sslMode,
                       Path rootCertificate, TargetSessionAttrs target, LoadBalance loadBalance) {

    /** One server of an upstream; {@code name} is what TLS verify-full checks the certificate against. */
    public record Host(String name, int port) {
        @Override
        public String toString() {
            return (name.contains(":") ? "[" + name + "]" : name) + ":" + port;
        }
    }

    public Upstream {
        hosts = List.copyOf(hosts);
    }

    public static Upstream parse(String url) {
        int schemeEnd = url.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd);
        if (!scheme.equals("postgres") && !scheme.equals("postgresql")) {
            throw new IllegalArgumentException("expected a postgres:// or postgresql:// URL");
        }
        String rest = url.substring(schemeEnd + 3);
        int queryStart = rest.indexOf('?');
        String query = queryStart < 0 ? null : rest.substring(queryStart + 1);
        rest = queryStart < 0 ? rest : rest.substring(0, queryStart);
        int pathStart = rest.indexOf('/');
        String path = pathStart < 0 ? "" : rest.substring(pathStart + 1);
        String authority = pathStart < 0 ? rest : rest.substring(0, pathStart);
        int at = authority.lastIndexOf('@');
        String user = null;
        String password = null;
        if (at >= 0) {
            String[] parts = authority.substring(0, at).split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        List<Host> hosts = hosts(authority.substring(at + 1));
        Map<String, String> parameters = new HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                String[] kv = pair.split("=", 2);
                parameters.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
            }
        }
        ServerSslMode sslMode = ServerSslMode.parse(parameters.getOrDefault("sslmode", "prefer"));
        Path rootCertificate = parameters.containsKey("sslrootcert") ? Path.of(parameters.get("sslrootcert")) : null;
        TargetSessionAttrs target = TargetSessionAttrs.parse(parameters.getOrDefault("target_session_attrs", "any"));
        LoadBalance balance = LoadBalance.parse(parameters.getOrDefault("load_balance_hosts", "disable"));
        return new Upstream(hosts, path.isEmpty() ? null : decode(path), user, password, sslMode, rootCertificate,
                target, balance);
    }

    /** {@code h1:p1,h2,[::1]:p3}; a host without a port gets 5432. */
    private static List<Host> hosts(String list) {
        List<Host> hosts = new ArrayList<>();
        for (String entry : list.split(",", -1)) {
            String name = entry;
            int port = 5432;
            int colon = entry.lastIndexOf(':');
            if (colon > entry.lastIndexOf(']')) {
                name = entry.substring(0, colon);
                try {
                    port = Integer.parseInt(entry.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("invalid port in host " + entry);
                }
            }
            name = decode(name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("URL has no host" + (list.contains(",") ? " in " + list : ""));
            }
            hosts.add(new Host(name, port));
        }
        return hosts;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    public Upstream withPassword(String newPassword) {
        return new Upstream(hosts, database, user, newPassword, sslMode, rootCertificate, target, loadBalance);
    }

    /** The same hosts for read-only work (read-routing = auto): a standby when one is up, else any host. */
    public Upstream forReads() {
        return new Upstream(hosts, database, user, password, sslMode, rootCertificate,
                TargetSessionAttrs.PREFER_STANDBY, loadBalance);
    }

    /**
     * The same upstream as one server link of it sees it: {@code host}, the one it is connected to, first, the
     * others after it (a prefer-standby link on the primary leaves it once another host is a standby again).
     */
    public Upstream at(Host host) {
        List<Host> reordered = new ArrayList<>(hosts.size());
        reordered.add(host);
        hosts.stream().filter(other -> !other.equals(host)).forEach(reordered::add);
        return new Upstream(reordered, database, user, password, sslMode, rootCertificate, target, loadBalance);
    }

    /** The first host (the only one for most upstreams); for a link's upstream, the host it is connected to. */
    public String host() {
        return hosts.get(0).name();
    }

    public int port() {
        return hosts.get(0).port();
    }

    /** The URL without its password, for logs and the admin console. */
    @Override
    public String toString() {
        return "postgres://" + (user == null ? "" : user + "@")
                + hosts.stream().map(Host::toString).collect(Collectors.joining(",")) + "/"
                + (database == null ? "" : database) + "?sslmode=" + sslMode.name().toLowerCase().replace('_', '-')
                + (target == TargetSessionAttrs.ANY ? "" : "&target_session_attrs=" + target.configName())
                + (loadBalance == LoadBalance.DISABLE ? "" : "&load_balance_hosts=" + loadBalance.configName());
    }
}
