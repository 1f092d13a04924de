package io.pgferry.config;

import java.util.Map;
import java.util.function.Supplier;

/** PgBouncer's [databases] as pgferry's {@code databases} block: one entry per name, "*" included. */
final class DatabaseEntries {
    private final IniFile ini;
    private final Supplier<String> upstreamParameters;

    DatabaseEntries(IniFile ini, Supplier<String> upstreamParameters) {
        this.ini = ini;
        this.upstreamParameters = upstreamParameters;
    }

    void write(StringBuilder out) {
        out.append("  databases {\n");
        for (IniFile.Entry entry : ini.section("databases")) {
            Map<String, String> settings = ini.connectString(entry);
            out.append("    ").append(PgBouncerImport.quote(entry.key())).append(" {\n");
            String host = settings.getOrDefault("host", "localhost");
            if (host.startsWith("/")) {
                out.append("      # host=").append(host).append(": pgferry reaches servers over TCP, here localhost\n");
                host = "localhost";
            }
            String user = settings.get("user");
            String url = "postgres://" + (user == null ? "" : PgBouncerImport.urlPart(user) + "@") + host
                    + (settings.containsKey("port") ? ":" + settings.get("port") : "")
                    + (settings.containsKey("dbname") ? "/" + PgBouncerImport.urlPart(settings.get("dbname")) : "")
                    + upstreamParameters.get();
            out.append("      upstream = ").append(PgBouncerImport.quote(url)).append('\n');
            if (settings.containsKey("password")) {
                out.append("      password = ").append(PgBouncerImport.quote(settings.get("password"))).append('\n');
            }
            if (settings.containsKey("max_db_connections")) {
                out.append("      max-connections = ").append(settings.get("max_db_connections")).append('\n');
            }
            if (settings.containsKey("auth_user")) {
                out.append("      auth-user = ").append(PgBouncerImport.quote(settings.get("auth_user"))).append('\n');
            }
            if (settings.containsKey("auth_query")) {
                out.append("      auth-query = ").append(PgBouncerImport.quote(settings.get("auth_query"))).append('\n');
            }
            StringBuilder pool = new StringBuilder();
            pool(pool, settings, "pool_size", "size", false);
            pool(pool, settings, "pool_mode", "mode", true);
            pool(pool, settings, "min_pool_size", "min-idle", false);
            pool(pool, settings, "reserve_pool_size", "reserve-size", false);
            if (pool.length() > 0) {
                out.append("      pool { ").append(pool).append(" }\n");
            }
            settings.forEach((key, value) -> {
                if (!PgBouncerImport.databaseKeys().contains(key)) {
                    out.append("      # ").append(key).append('=').append(value)
                            .append(": not carried over (clients' own settings apply; no connect_query)\n");
                }
            });
            out.append("    }\n");
        }
        out.append("  }\n");
    }

    private static void pool(StringBuilder pool, Map<String, String> settings, String key, String name, boolean text) {
        if (settings.containsKey(key)) {
            pool.append(pool.length() > 0 ? ", " : "").append(name).append(" = ")
                    .append(text ? PgBouncerImport.quote(settings.get(key)) : settings.get(key));
        }
    }
}
