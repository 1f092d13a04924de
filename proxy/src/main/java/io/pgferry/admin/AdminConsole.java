package io.pgferry.admin;

import io.pgferry.context.ProxyControl;
import io.netty.util.concurrent.EventExecutor;
import io.pgferry.context.ProxyContext;
import io.pgferry.pool.ServerPool;
import io.pgferry.protocol.SqlState;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Parses one console command and runs it. SHOW commands are open to stats users; the rest need an admin user.
 * PAUSE and WAIT_CLOSE answer only once what they wait for has happened, as in PgBouncer; the wait is polled on
 * the console connection's event loop, never blocking it.
 */
public final class AdminConsole {
    public static final List<String> DATABASES = List.of("pgbouncer", "pgferry");
    private static final String VERSION = "pgferry " + version();
    private static final long POLL_MILLIS = 20;
    /** SHOW HELP's detail, PgBouncer's list with pgferry's own commands (CACHE, HOSTS) added. */
    private static final String HELP = String.join("\n",
            "\tSHOW HELP|CONFIG|USERS|DATABASES|POOLS|CLIENTS|SERVERS|LISTS|STATS|STATE|CACHE|HOSTS|VERSION",
            "\tSET key = arg",
            "\tRELOAD",
            "\tPAUSE [<db>]",
            "\tRESUME [<db>]",
            "\tDISABLE <db>",
            "\tENABLE <db>",
            "\tRECONNECT [<db>]",
            "\tKILL [<db>]",
            "\tKILL_CLIENT <client_id>",
            "\tWAIT_CLOSE [<db>]",
            "\tCACHE CLEAR [<db>]",
            "\tSHUTDOWN",
            "\tSHUTDOWN WAIT_FOR_SERVERS|WAIT_FOR_CLIENTS");

    private final ProxyContext context;
    private final boolean admin;

    public AdminConsole(ProxyContext context, boolean admin) {
        this.context = context;
        this.admin = admin;
    }

    /** Runs {@code sql}; a command that cannot run completes exceptionally with an {@link AdminCommandError}. */
    CompletableFuture<AdminResult> run(String sql, EventExecutor executor) {
        String[] words = sql.trim().replaceAll(";+$", "").trim().split("\\s+");
        String verb = words[0].toUpperCase(Locale.ROOT);
        String argument = words.length > 1 ? words[1] : null;
        try {
            if (verb.equals("SET")) {
                // Drivers set session parameters (application_name...) on connect; the console has none to change.
                return done(AdminResult.command("SET"));
            }
            if (verb.equals("SHOW") && argument != null) {
                return done(show(argument.toUpperCase(Locale.ROOT)));
            }
            if (!admin) {
                throw new AdminCommandError(SqlState.INSUFFICIENT_PRIVILEGE, "admin access needed for " + verb);
            }
            if (verb.equals("CACHE")) {
                return done(cacheCommand(argument, words.length > 2 ? words[2] : null));
            }
            return control(verb, argument, executor);
        } catch (AdminCommandError e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private AdminResult show(String what) {
        return switch (what) {
            case "POOLS" -> ShowPools.run(context.pools());
            case "STATS" -> ShowStats.run(context.pools());
            case "CLIENTS" -> ShowConnections.clients(context.clients().describe());
            case "SERVERS" -> ShowConnections.servers(context.pools());
            case "DATABASES" -> ShowDatabases.run(context);
            case "HOSTS" -> ShowHosts.run(context.connector().hosts(), System.nanoTime());
            case "USERS" -> ShowSettings.users(context);
            case "CONFIG" -> ShowSettings.config(context.config());
            case "LISTS" -> ShowSettings.lists(context);
            case "STATE" -> ShowSettings.state(context);
            case "CACHE" -> ShowCache.run(context.caches());
            case "VERSION" -> new AdminResult(List.of("version"), List.of(List.of(VERSION)), "SHOW");
            case "HELP" -> new AdminResult(List.of(), List.of(), "SHOW", "Console usage", HELP);
            default -> throw unsupported("SHOW " + what);
        };
    }

    /** CACHE CLEAR [database]: drops every cached result, or one database's. */
    private AdminResult cacheCommand(String argument, String database) {
        if (argument == null || !argument.equalsIgnoreCase("CLEAR")) {
            throw new AdminCommandError(SqlState.SYNTAX_ERROR, "usage: CACHE CLEAR [database]");
        }
        context.caches().clear(database);
        return AdminResult.command("CACHE CLEAR");
    }

    private CompletableFuture<AdminResult> control(String verb, String argument, EventExecutor executor) {
        List<ServerPool> pools = argument == null ? List.copyOf(context.pools().all())
                : context.pools().ofDatabase(argument);
        switch (verb) {
            case "PAUSE" -> {
                pools.forEach(ServerPool::pause);
                return when(() -> pools.stream().allMatch(pool -> pool.stats().active() == 0), executor, "PAUSE");
            }
            case "RESUME" -> {
                pools.forEach(ServerPool::resume);
                return done(AdminResult.command("RESUME"));
            }
            case "RECONNECT" -> {
                pools.forEach(ServerPool::reconnect);
                return done(AdminResult.command("RECONNECT"));
            }
            case "WAIT_CLOSE" -> {
                return when(() -> pools.stream().noneMatch(ServerPool::reconnectPending), executor, "WAIT_CLOSE");
            }
            case "KILL" -> {
                kill(argument, pools);
                return done(AdminResult.command("KILL"));
            }
            case "KILL_CLIENT" -> {
                return done(killClient(argument));
            }
            case "DISABLE", "ENABLE" -> {
                if (argument == null) {
                    throw new AdminCommandError(SqlState.SYNTAX_ERROR, verb + " needs a database name");
                }
                if (verb.equals("DISABLE")) {
                    context.pools().disabledDatabases().add(argument);
                } else {
                    context.pools().disabledDatabases().remove(argument);
                }
                return done(AdminResult.command(verb));
            }
            case "RELOAD" -> {
                try {
                    context.control().reload();
                } catch (IllegalArgumentException e) {
                    throw new AdminCommandError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, e.getMessage());
                }
                return done(AdminResult.command("RELOAD"));
            }
            case "SHUTDOWN" -> {
                return done(shutdown(argument));
            }
            default -> throw unsupported(verb);
        }
    }

    /** KILL: the database's clients and servers go now; new clients wait, as after PAUSE, until RESUME. */
    private void kill(String database, List<ServerPool> pools) {
        pools.forEach(ServerPool::pause);
        context.clients().killDatabase(database, SqlState.ADMIN_SHUTDOWN,
                "terminating connection due to administrator command (KILL" + (database == null ? "" : " " + database) + ")");
        pools.forEach(pool -> pool.links().forEach(link -> link.close("KILL from the admin console")));
    }

    private AdminResult killClient(String argument) {
        long id;
        try {
            id = Long.parseLong(argument == null ? "" : argument);
        } catch (NumberFormatException e) {
            throw new AdminCommandError(SqlState.SYNTAX_ERROR, "KILL_CLIENT needs a client id (SHOW CLIENTS, column id)");
        }
        if (!context.clients().kill(id, SqlState.ADMIN_SHUTDOWN,
                "terminating connection due to administrator command (KILL_CLIENT)")) {
            throw new AdminCommandError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "no client with id " + id);
        }
        return AdminResult.command("KILL_CLIENT");
    }

    private AdminResult shutdown(String argument) {
        ProxyControl.ShutdownMode mode;
        try {
            mode = argument == null ? ProxyControl.ShutdownMode.IMMEDIATE
                    : ProxyControl.ShutdownMode.valueOf(argument.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AdminCommandError(SqlState.SYNTAX_ERROR,
                    "SHUTDOWN takes nothing, WAIT_FOR_SERVERS or WAIT_FOR_CLIENTS, not " + argument);
        }
        try {
            context.control().shutdown(mode);
        } catch (IllegalArgumentException e) {
            throw new AdminCommandError(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, e.getMessage());
        }
        return AdminResult.command("SHUTDOWN");
    }

    private static CompletableFuture<AdminResult> when(BooleanSupplier condition, EventExecutor executor, String tag) {
        CompletableFuture<AdminResult> result = new CompletableFuture<>();
        poll(condition, executor, result, tag);
        return result;
    }

    private static void poll(BooleanSupplier condition, EventExecutor executor, CompletableFuture<AdminResult> result,
                             String tag) {
        if (condition.getAsBoolean()) {
            result.complete(AdminResult.command(tag));
        } else {
            executor.schedule(() -> poll(condition, executor, result, tag), POLL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static CompletableFuture<AdminResult> done(AdminResult result) {
        return CompletableFuture.completedFuture(result);
    }

    private static AdminCommandError unsupported(String command) {
        return new AdminCommandError(SqlState.FEATURE_NOT_SUPPORTED, "unsupported admin command: " + command
                + " (supported: SHOW POOLS|STATS|CLIENTS|SERVERS|DATABASES|USERS|CONFIG|VERSION|LISTS|STATE, PAUSE,"
                + " RESUME, RECONNECT, KILL, KILL_CLIENT, DISABLE, ENABLE, RELOAD, WAIT_CLOSE, SHUTDOWN, SET)");
    }

    private static String version() {
        String version = AdminConsole.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }
}
