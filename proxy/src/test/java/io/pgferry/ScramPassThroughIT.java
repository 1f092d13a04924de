package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pgferry.auth.ScramSecret;
import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SCRAM pass-through: a user pgferry knows only by the role's own SCRAM verifier (copied from pg_authid, no
 * password anywhere in the configuration) logs in through the per-client "*" entry; pgferry logs in upstream with
 * the keys the client's proof revealed, also for a pool opened later. With a verifier of another salt the
 * client's login to pgferry works but the upstream refuses it (issue 27, item 2).
 */
@ExtendWith(PostgresExtension.class)
class ScramPassThroughIT {

    @Test
    void aVerifierOnlyUserLogsInUpstreamWithTheKeysItsProofRevealed(PostgresServer server) throws Exception {
        String verifier;
        try (Connection admin = server.connect(PostgresServer.SUPERUSER, PostgresServer.SUPERUSER_PASSWORD, "app");
             Statement statement = admin.createStatement();
             ResultSet row = statement.executeQuery("SELECT rolpassword FROM pg_authid WHERE rolname = '"
                     + PostgresServer.Role.SCRAM.user + "'")) {
            row.next();
            verifier = row.getString(1);
        }
        String user = PostgresServer.Role.SCRAM.user;
        String password = PostgresServer.Role.SCRAM.password;
        try (TestProxy proxy = TestProxy.start(server, "pgferry.users." + user + ".password = \"" + verifier + "\"")) {
            try (Connection client = proxy.connect("postgres", user, password, "")) {
                assertEquals(user, SessionPoolingIT.single(client, "SELECT current_user"));
            }
            try (Connection later = proxy.connect("template1", user, password, "")) {
                assertEquals("template1", SessionPoolingIT.single(later, "SELECT current_database()"),
                        "a new pool's server logs in with the kept keys");
            }
        }
        String otherSalt = ScramSecret.derive(password).toString();
        try (TestProxy proxy = TestProxy.start(server, "pgferry.users." + user + ".password = \"" + otherSalt + "\"")) {
            SQLException refused = assertThrows(SQLException.class, () -> proxy.connect("postgres", user, password, ""));
            assertEquals("28P01", refused.getSQLState(), "the upstream's verifier differs: " + refused.getMessage());
        }
    }
}
