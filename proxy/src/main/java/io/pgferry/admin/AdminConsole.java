package io.pgferry.admin;

import io.pgferry.frontend.FrontendContext;
import io.pgferry.pool.Pools;
import java.util.List;
import java.util.Locale;

/** Parses one console command and runs it. Unknown commands are errors, as in PgBouncer. */
public final class AdminConsole {
    public static final List<String> DATABASES = List.of("pgbouncer", "pgferry");
    private static final String VERSION = "pgferry " + version();

    private final FrontendContext context;
    private final Pools pools;

    public AdminConsole(FrontendContext context, Pools pools) {
        this.context = context;
        this.pools = pools;
    }

    /** Runs {@code sql}; throws {@link IllegalArgumentException} with PgBouncer-style text for what it does not know. */
    AdminResult run(String sql) {
        String command = sql.trim().replaceAll(";+$", "").trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        if (command.startsWith("SET ")) {
            // Drivers set session parameters (application_name...) on connect; the console has none to change.
            return new AdminResult(List.of(), List.of(), "SET");
        }
        return switch (command) {
            case "SHOW POOLS" -> ShowPools.run(pools);
            case "SHOW DATABASES" -> ShowDatabases.run(context.config(), pools);
            case "SHOW VERSION" -> new AdminResult(List.of("version"), List.of(List.of(VERSION)), "SHOW");
            default -> throw new IllegalArgumentException("unsupported admin command: " + sql.trim()
                    + " (supported: SHOW POOLS, SHOW DATABASES, SHOW VERSION)");
        };
    }

    private static String version() {
        String version = AdminConsole.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
