package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * auth_query with roles created by CREATE ROLE ... PASSWORD (SCRAM verifiers in pg_authid): a role pgferry does
 * not list logs in, its servers by SCRAM pass-through; a wrong password and an unknown role get 28P01; a changed
 * password and a dropped role take effect after the cache period; a failing query gets 08006; a database entry's
 * own lookup applies to its clients only (issue 27, item 1).
 */
@ExtendWith(PostgresExtension.class)
class AuthQueryIT {
    private static final String LOOKUP = "SELECT usename, passwd FROM public.pgferry_lookup($1)";

    private static void superuser(PostgresServer server, String database, String... statements) throws SQLException {
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, database);
             Statement statement = admin.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String config(String query) {
        return "pgferry { auth-user = " + PostgresServer.Role.SCRAM.user + ", auth-query = \"" + query + "\", "
                + "auth-cache-ttl = 1s, auth-cache-negative-ttl = 1s }";
    }

    @Test
    void rolesPgferryDoesNotListLogInWithTheirPostgresPasswords(PostgresServer server) throws Exception {
        createRoleAndLookup(server, "aq_user", "aq-secret-1");
        try (TestProxy proxy = TestProxy.start(server, config(LOOKUP))) {
            try (Connection client = proxy.connect("postgres", "aq_user", "aq-secret-1", "")) {
                assertEquals("aq_user", SessionPoolingIT.single(client, "SELECT current_user"),
                        "its server logged in as itself, by pass-through");
            }
            assertEquals("28P01", refusal(proxy, "aq_user", "wrong"));
            assertEquals("28P01", refusal(proxy, "nobody_here", "whatever"));

            superuser(server, "postgres", "ALTER ROLE aq_user PASSWORD 'aq-secret-2'");
            TestProxy.awaitTrue(() -> logsIn(proxy, "aq_user", "aq-secret-2"), "the new password, after the cache");
            superuser(server, "postgres", "DROP OWNED BY aq_user", "DROP ROLE aq_user");
            TestProxy.awaitTrue(() -> "28P01".equals(refusal(proxy, "aq_user", "aq-secret-2")),
                    "a dropped role is refused after the cache");
        }
        try (TestProxy broken = TestProxy.start(server, config("SELECT * FROM public.no_such_lookup($1)"))) {
            SQLException failed = assertThrows(SQLException.class,
                    () -> broken.connect("postgres", "someone", "x", ""));
            assertEquals("08006", failed.getSQLState());
            assertTrue(failed.getMessage().contains("auth_query failed"), failed.getMessage());
        }
    }

    @Test
    void aDatabaseEntryMayHaveItsOwnLookup(PostgresServer server) throws Exception {
        createRoleAndLookup(server, "aq_db_user", "aq-db-secret");
        String entry = "pgferry.databases.aqdb { upstream = \"postgres://" + server.host() + ":" + server.port()
                + "/postgres?sslmode=disable\", auth-user = " + PostgresServer.Role.SCRAM.user
                + ", auth-query = \"" + LOOKUP + "\" }";
        try (TestProxy proxy = TestProxy.start(server, entry)) {
            try (Connection client = proxy.connect("aqdb", "aq_db_user", "aq-db-secret", "")) {
                assertEquals("aq_db_user", SessionPoolingIT.single(client, "SELECT current_user"));
            }
            assertEquals("28P01", refusal(proxy, "aq_db_user", "wrong"));
            try (Connection ignored = proxy.connect("postgres", "aq_db_user", "aq-db-secret", "")) {
                throw new AssertionError("a database without a lookup let an unlisted user in");
            } catch (SQLException refused) {
                assertEquals("28P01", refused.getSQLState(), "no lookup outside aqdb: an unknown user");
            }
        }
    }

    /** A login role and a SECURITY DEFINER lookup function the auth-user (scram_user) may call. */
    private static void createRoleAndLookup(PostgresServer server, String role, String password) throws SQLException {
        superuser(server, "postgres", "DROP ROLE IF EXISTS " + role,
                "CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'",
                "CREATE OR REPLACE FUNCTION public.pgferry_lookup(text) RETURNS TABLE (usename name, passwd text) "
                        + "LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog AS $$ SELECT rolname, "
                        + "rolpassword FROM pg_catalog.pg_authid WHERE rolname = $1 AND rolcanlogin $$",
                "REVOKE ALL ON FUNCTION public.pgferry_lookup(text) FROM PUBLIC",
                "GRANT EXECUTE ON FUNCTION public.pgferry_lookup(text) TO " + PostgresServer.Role.SCRAM.user);
    }

    private static boolean logsIn(TestProxy proxy, String user, String password) {
        try (Connection client = proxy.connect("postgres", user, password, "")) {
            return user.equals(SessionPoolingIT.single(client, "SELECT current_user"));
        } catch (SQLException e) {
            return false;
        }
    }

    private static String refusal(TestProxy proxy, String user, String password) {
        try (Connection ignored = proxy.connect("postgres", user, password, "")) {
            return "logged in";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
