package io.pgferry.config;

import io.pgferry.auth.ScramSecret;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The users of a PgBouncer configuration: the userlist's secrets with the [users] section's settings. A SCRAM
 * verifier logs in upstream by pass-through, as in PgBouncer; an MD5 hash cannot, which a database entry without
 * its own user needs: such users get an upstream-password placeholder that an environment variable fills.
 */
final class UserEntries {
    private final IniFile ini;
    private final Map<String, String> secrets;

    UserEntries(IniFile ini, Map<String, String> secrets) {
        this.ini = ini;
        this.secrets = secrets;
    }

    void write(StringBuilder out, boolean perClientLogins) {
        Set<String> names = new LinkedHashSet<>(secrets.keySet());
        ini.section("users").forEach(entry -> names.add(entry.key()));
        boolean trusting = "trust".equals(ini.value("pgbouncer", "auth_type"))
                || "any".equals(ini.value("pgbouncer", "auth_type"));
        out.append("  users {\n");
        for (String name : names) {
            String secret = secrets.get(name);
            if (secret == null && !trusting) {
                out.append("    # ").append(name).append(": no secret in the userlist; give it a password to use it\n");
                continue;
            }
            out.append("    ").append(PgBouncerImport.quote(name)).append(" {\n");
            if (secret != null) {
                out.append("      password = ").append(PgBouncerImport.quote(secret)).append('\n');
                if (ScramSecret.looksLikeVerifier(secret) && "md5".equals(ini.value("pgbouncer", "auth_type"))) {
                    // PgBouncer's md5 auth_type runs SCRAM for a user whose secret is a SCRAM verifier; so does this.
                    out.append("      auth-method = scram-sha-256\n");
                }
                if (secret.matches("md5[0-9a-f]{32}") && perClientLogins) {
                    String variable = "UPSTREAM_PASSWORD_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
                    out.append("      # an md5 hash cannot log in upstream: set ").append(variable).append('\n')
                            .append("      upstream-password = \"set-me\"\n")
                            .append("      upstream-password = ${?").append(variable).append("}\n");
                }
            }
            for (IniFile.Entry entry : ini.section("users")) {
                if (entry.key().equals(name)) {
                    settings(out, ini.connectString(entry));
                }
            }
            out.append("    }\n");
        }
        out.append("  }\n");
    }

    private static void settings(StringBuilder out, Map<String, String> settings) {
        settings.forEach((key, value) -> {
            switch (key) {
                case "pool_mode" -> out.append("      pool-mode = ").append(PgBouncerImport.quote(value)).append('\n');
                case "max_user_connections" -> out.append("      max-connections = ").append(value).append('\n');
                default -> out.append("      # ").append(key).append('=').append(value).append(": not carried over\n");
            }
        });
    }
}
