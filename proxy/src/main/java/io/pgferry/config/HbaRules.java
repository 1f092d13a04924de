package io.pgferry.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Client authentication rules in pg_hba.conf's format, as PgBouncer's auth_hba_file reads them: {@code local},
 * {@code host}, {@code hostssl} and {@code hostnossl} lines with database and user lists ({@code all} or names)
 * and CIDR addresses; the first line that matches a connection decides its method, and a connection no line
 * matches is refused. Group ({@code +role}), file ({@code @file}) and host-name entries, and methods pgferry cannot
 * run, are refused when the file is loaded, not at the first login. A certificate line's {@code map=NAME} names
 * an {@link IdentMaps} map from the certificate's CN to the users it may log in as. Immutable; a reload reads the
 * file again.
 */
public final class HbaRules {
    /** How a connection arrived, as a rule's first column selects it. */
    public enum Connection { LOCAL, HOST_SSL, HOST_NO_SSL }

    /** A rule's outcome: a password method, trust, a client certificate, or refusal. */
    public enum Decision { TRUST, REJECT, PASSWORD, MD5, SCRAM_SHA_256, CERT }

    /**
     * What a rule asks of the client's certificate besides its method: nothing, one the client CA issued
     * ({@code clientcert=verify-ca}), or also one whose CN is the user name ({@code verify-full}; the cert method).
     */
    public enum CertificateCheck { NONE, VERIFY_CA, VERIFY_FULL }

    private record Rule(String type, Set<String> databases, Set<String> users, Cidr address, Decision decision,
                        CertificateCheck certificate, String map) {
        boolean matches(Connection connection, InetAddress client, String database, String user) {
            boolean typeMatches = switch (type) {
                case "local" -> connection == Connection.LOCAL;
                case "host" -> connection != Connection.LOCAL;
                case "hostssl" -> connection == Connection.HOST_SSL;
                default -> connection == Connection.HOST_NO_SSL;
            };
            return typeMatches && (databases.isEmpty() || databases.contains(database))
                    && (users.isEmpty() || users.contains(user)) && (address == null || address.contains(client));
        }
    }

    private record Cidr(byte[] network, int bits) {
        boolean contains(InetAddress address) {
            byte[] bytes = address == null ? null : address.getAddress();
            if (bytes == null || bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Rule> rules;
    private final IdentMaps identMaps;

    private HbaRules(List<Rule> rules, IdentMaps identMaps) {
        this.rules = rules;
        this.identMaps = identMaps;
    }

    /** The rules of {@code file}, whose {@code map=} options name maps of {@code identFile} (may be null). */
    public static HbaRules load(Path file, Path identFile) {
        IdentMaps maps = identFile == null ? null : IdentMaps.load(identFile);
        try {
            return parse(file.toString(), Files.readString(file), maps);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read hba-file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The rules of {@code text}; a line pgferry cannot apply fails with file:line. */
    static HbaRules parse(String name, String text, IdentMaps identMaps) {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].replaceFirst("#.*", "").strip();
            if (!line.isEmpty()) {
                rules.add(rule(line.split("\\s+"), name + ":" + (i + 1) + ": ", identMaps));
            }
        }
        return new HbaRules(List.copyOf(rules), identMaps);
    }

    private static Rule rule(String[] words, String where, IdentMaps identMaps) {
        String type = words[0].toLowerCase(Locale.ROOT);
        if (!Set.of("local", "host", "hostssl", "hostnossl").contains(type)) {
            throw new IllegalArgumentException(where + "the connection type must be local, host, hostssl or "
                    + "hostnossl, not " + words[0]);
        }
        boolean local = type.equals("local");
        if (words.length < (local ? 4 : 5)) {
            throw new IllegalArgumentException(where + "expected " + (local ? "local DATABASE USER METHOD"
                    : type + " DATABASE USER ADDRESS METHOD"));
        }
        Cidr address = local || words[3].equals("all") ? null : cidr(words[3], where);
        int methodAt = local ? 3 : 4;
        String method = words[methodAt].toLowerCase(Locale.ROOT);
        Decision decision = switch (method) {
            case "trust" -> Decision.TRUST;
            case "reject" -> Decision.REJECT;
            case "password" -> Decision.PASSWORD;
            case "md5" -> Decision.MD5;
            case "scram-sha-256" -> Decision.SCRAM_SHA_256;
            case "cert" -> Decision.CERT;
            default -> throw new IllegalArgumentException(where + "method " + method + " is not supported (trust, "
                    + "reject, password, md5, scram-sha-256, cert)");
        };
        CertificateCheck certificate = decision == Decision.CERT ? CertificateCheck.VERIFY_FULL : CertificateCheck.NONE;
        String map = null;
        for (int i = methodAt + 1; i < words.length; i++) {
            if (words[i].startsWith("map=")) {
                map = map(words[i].substring(4), where, identMaps);
                continue;
            }
            certificate = switch (words[i].toLowerCase(Locale.ROOT)) {
                case "clientcert=verify-full" -> CertificateCheck.VERIFY_FULL;
                case "clientcert=verify-ca" -> decision == Decision.CERT ? CertificateCheck.VERIFY_FULL
                        : CertificateCheck.VERIFY_CA;
                default -> throw new IllegalArgumentException(where + "option " + words[i] + " is not supported "
                        + "(clientcert=verify-ca or verify-full, map=NAME)");
            };
        }
        if (certificate != CertificateCheck.NONE && !type.equals("hostssl")) {
            throw new IllegalArgumentException(where + "client certificates are checked on hostssl lines only");
        }
        if (map != null && certificate != CertificateCheck.VERIFY_FULL) {
            throw new IllegalArgumentException(where + "map= applies to the cert method and clientcert=verify-full");
        }
        return new Rule(type, names(words[1], where, "database"), names(words[2], where, "user"), address, decision,
                certificate, map);
    }

    private static String map(String name, String where, IdentMaps identMaps) {
        if (identMaps == null) {
            throw new IllegalArgumentException(where + "map=" + name + " needs pgferry.ident-file");
        }
        if (!identMaps.has(name)) {
            throw new IllegalArgumentException(where + "map " + name + " is not in the ident-file");
        }
        return name;
    }

    /** A comma-separated list; {@code all} is empty (anything). */
    private static Set<String> names(String list, String where, String what) {
        if (list.equals("all")) {
            return Set.of();
        }
        for (String name : list.split(",")) {
            if (name.startsWith("+") || name.startsWith("@")) {
                throw new IllegalArgumentException(where + what + " " + name + ": group and file entries are not "
                        + "supported; list the names");
            }
        }
        return Set.of(list.split(","));
    }

    private static Cidr cidr(String text, String where) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new IllegalArgumentException(where + "address " + text + ": give an IP address or CIDR range "
                    + "(host names, samehost and samenet are not supported)");
        }
        try {
            byte[] network = InetAddress.getByName(host).getAddress();
            int bits = slash < 0 ? network.length * 8 : Integer.parseInt(text.substring(slash + 1));
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException(where + "address " + text + ": the prefix length is out of range");
            }
            return new Cidr(network, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException(where + "address " + text + " is not an IP address or CIDR range");
        }
    }

    /** The decision of the first matching rule; {@link Decision#REJECT} when none matches, as in PostgreSQL. */
    public Decision decide(Connection connection, InetAddress client, String database, String user) {
        for (Rule rule : rules) {
            if (rule.matches(connection, client, database, user)) {
                return rule.decision();
            }
        }
        return Decision.REJECT;
    }

    /** What the first matching rule asks of the client's certificate; NONE when no rule matches. */
    public CertificateCheck certificateCheck(Connection connection, InetAddress client, String database, String user) {
        for (Rule rule : rules) {
            if (rule.matches(connection, client, database, user)) {
                return rule.certificate();
            }
        }
        return CertificateCheck.NONE;
    }

    /**
     * Whether the first matching rule accepts a certificate whose CN is {@code commonName} for {@code user}: the
     * same name, or one its map lets that CN log in as.
     */
    public boolean certificateNameAccepted(Connection connection, InetAddress client, String database, String user,
                                           String commonName) {
        for (Rule rule : rules) {
            if (rule.matches(connection, client, database, user)) {
                return rule.map() == null ? user.equals(commonName) : identMaps.maps(rule.map(), commonName, user);
            }
        }
        return false;
    }

    /** Whether some rule matches at all (a refusal says "no pg_hba.conf entry" then, else "rejects"). */
    public boolean anyMatches(Connection connection, InetAddress client, String database, String user) {
        return rules.stream().anyMatch(rule -> rule.matches(connection, client, database, user));
    }
}
