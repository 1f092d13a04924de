package io.pgferry;

import static io.pgferry.RawClient.bind;
import static io.pgferry.RawClient.close;
import static io.pgferry.RawClient.concat;
import static io.pgferry.RawClient.describe;
import static io.pgferry.RawClient.execute;
import static io.pgferry.RawClient.flush;
import static io.pgferry.RawClient.parse;
import static io.pgferry.RawClient.query;
import static io.pgferry.RawClient.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Raw protocol sequences through a transaction pool of one server, with a second client taking that server
 * between every step, compared reply by reply with the same sequence on a direct PostgreSQL connection.
 */
@ExtendWith(PostgresExtension.class)
class TransactionPoolingIT {
    private static final String USER = PostgresServer.Role.TRUST.user;
    private static PostgresServer server;
    private static TestProxy proxy;

    @BeforeAll
    static void start(PostgresServer postgres) {
        server = postgres;
        proxy = TestProxy.start(postgres, "pgferry.pool { mode = transaction, size = 1 }\npgferry.max-prepared-statements = 3");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    /** Runs the steps on a direct connection and through pgferry; between steps another client uses the server. */
    private static void assertSameAsDirect(List<Step> steps) throws IOException {
        assertSameAsDirect(steps, true);
    }

    /**
     * As above; without {@code intrude} no second client runs, for sequences that rightly keep the single server
     * (an open transaction, a pinned session), where it would wait for its acquire timeout.
     */
    private static void assertSameAsDirect(List<Step> steps, boolean intrude) throws IOException {
        List<String> direct = new ArrayList<>();
        List<String> pooled = new ArrayList<>();
        try (RawClient client = RawClient.trusted(server.port(), USER, "postgres")) {
            for (Step step : steps) {
                client.send(step.bytes);
                direct.add(client.transcript(step.readyForQueries));
            }
        }
        try (RawClient client = RawClient.trusted(proxy.port(), USER, "postgres");
             RawClient intruder = RawClient.trusted(proxy.port(), USER, "postgres")) {
            int round = 0;
            for (Step step : steps) {
                client.send(step.bytes);
                pooled.add(client.transcript(step.readyForQueries));
                if (!intrude || step.readyForQueries == 0) {
                    continue;
                }
                String name = "intruder" + round++;
                intruder.send(concat(parse("", "SELECT 'intruder'"), bind("", ""), execute("", 0),
                        parse(name, "SELECT 2"), bind("", name), execute("", 0), sync(),
                        query("SET application_name = 'intruder'")));
                assertEquals("1 2 D(intruder) C(SELECT 1) 1 2 D(2) C(SELECT 1) Z(I) C(SET) Z(I)", intruder.transcript(2));
            }
        }
        assertEquals(direct, pooled);
        assertTrue(direct.stream().anyMatch(transcript -> transcript.contains("Z(")));
    }

    private record Step(byte[] bytes, int readyForQueries) {
    }

    private static Step step(int readyForQueries, byte[]... messages) {
        return new Step(concat(messages), readyForQueries);
    }

    @Test
    void namedStatementsFollowTheClientAcrossServers() throws IOException {
        assertSameAsDirect(List.of(
                step(1, parse("double", "SELECT $1::int * 2"), bind("", "double", "21"), execute("", 0), sync()),
                step(1, bind("", "double", "50"), execute("", 0), sync()),
                step(1, describe('S', "double"), bind("", "double", "1"), describe('P', ""), execute("", 0), sync()),
                step(1, parse("double2", "SELECT $1::int * 2"), bind("", "double2", "4"), execute("", 0), sync())));
    }

    @Test
    void errorInAPipelineWithADelayedSync() throws IOException {
        assertSameAsDirect(List.of(
                step(0, parse("ok", "SELECT 1"), bind("", "ok"), execute("", 0),
                        parse("bad", "SELECT 1/0"), bind("", "bad"), execute("", 0), bind("", "ok"), execute("", 0)),
                step(1, sync()),
                step(1, bind("", "ok"), execute("", 0), bind("", "bad"), execute("", 0), sync())));
    }

    @Test
    void flushWithoutSyncKeepsTheServer() throws IOException {
        List<String> transcripts = new ArrayList<>();
        for (int port : new int[] {server.port(), proxy.port()}) {
            try (RawClient client = RawClient.trusted(port, USER, "postgres")) {
                client.send(concat(query("BEGIN"), parse("f", "SELECT 7"), bind("", "f"), execute("", 0), flush()));
                String beforeSync = client.transcript(1);
                RawClient.Message message;
                StringBuilder flushed = new StringBuilder();
                do {
                    message = client.read();
                    flushed.append(message.type());
                } while (message.type() != 'C');
                client.send(concat(sync(), query("COMMIT")));
                transcripts.add(beforeSync + " " + flushed + " " + client.transcript(2));
            }
        }
        assertEquals(transcripts.get(0), transcripts.get(1));
        assertEquals("C(BEGIN) Z(T) 12DC Z(T) C(COMMIT) Z(I)", transcripts.get(0));
    }

    @Test
    void duplicateAndUnknownNamesAnswerAsPostgresDoes() throws IOException {
        assertSameAsDirect(List.of(
                step(1, parse("dup", "SELECT 1"), parse("dup", "SELECT 2"), bind("", "dup"), execute("", 0), sync()),
                step(1, bind("", "ghost"), execute("", 0), sync()),
                step(1, describe('S', "ghost"), sync()),
                step(1, close('S', "ghost"), close('S', "dup"), sync()),
                step(1, bind("", "dup"), execute("", 0), sync()),
                step(1, parse("dup", "SELECT 3"), bind("", "dup"), execute("", 0), sync())));
    }

    @Test
    void statementsBeyondTheServerLruBoundAreEvictedAndReprepared() throws IOException {
        List<byte[]> prepare = new ArrayList<>();
        List<byte[]> useAll = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            prepare.add(parse("s" + i, "SELECT " + i + " AS n"));
            useAll.add(bind("", "s" + i));
            useAll.add(execute("", 0));
        }
        prepare.add(sync());
        useAll.add(sync());
        assertSameAsDirect(List.of(step(1, prepare.toArray(byte[][]::new)), step(1, useAll.toArray(byte[][]::new)),
                step(1, useAll.toArray(byte[][]::new))));
    }

    @Test
    void unnamedStatementSurvivesAnotherClientTakingTheServer() throws IOException {
        assertSameAsDirect(List.of(
                step(1, parse("", "SELECT $1::int * 3", 23), describe('S', ""), sync()),
                step(1, bind("", "", "14"), execute("", 0), sync())));
    }

    @Test
    void repeatedUnnamedParseIsTheOneReplayedOnAnotherServer() throws IOException {
        assertSameAsDirect(List.of(
                step(1, parse("", "SELECT $1::int * 3", 23), bind("", "", "1"), execute("", 0), sync()),
                step(1, parse("", "SELECT $1::int * 3", 23), sync()),
                step(1, bind("", "", "14"), execute("", 0), sync()),
                step(1, parse("", "SELECT $1::int * 4", 23), sync()),
                step(1, bind("", "", "14"), execute("", 0), sync()),
                step(1, parse("", "SELECT $1::int * 4", 20), sync()),
                step(1, bind("", "", "14"), execute("", 0), sync())));
    }

    @Test
    void discardAllAndDeallocateAll() throws IOException {
        assertSameAsDirect(List.of(
                step(1, parse("k", "SELECT 1"), sync()),
                step(1, query("DISCARD ALL")),
                step(1, bind("", "k"), execute("", 0), sync()),
                step(1, parse("k", "SELECT 2"), sync()),
                step(1, query("DEALLOCATE ALL")),
                step(1, parse("k", "SELECT 3"), bind("", "k"), execute("", 0), sync())));
    }

    @Test
    void sqlLevelPrepareExecuteDeallocate() throws IOException {
        assertSameAsDirect(List.of(
                step(1, query("PREPARE plus_one(int) AS SELECT $1 + 1")),
                step(1, query("EXECUTE plus_one(41)")),
                step(1, query("DEALLOCATE plus_one")),
                step(1, query("EXECUTE plus_one(1)"))), false);
    }

    @Test
    void protocolStatementDeallocatedBySql() throws IOException {
        assertSameAsDirect(List.of(
                step(1, parse("a1", "SELECT 5"), sync()),
                step(1, query("DEALLOCATE a1")),
                step(1, bind("", "a1"), execute("", 0), sync())));
    }

    @Test
    void explicitTransactionKeepsItsServer() throws IOException {
        assertSameAsDirect(List.of(
                step(1, query("BEGIN")),
                step(1, query("CREATE TEMP TABLE t_tx (x int) ON COMMIT DROP")),
                step(1, parse("ins", "INSERT INTO t_tx VALUES ($1)"), bind("", "ins", "1"), execute("", 0), sync()),
                step(1, query("SELECT count(*) FROM t_tx")),
                step(1, query("SELECT 1/0")),
                step(1, query("SELECT 1")),
                step(1, query("ROLLBACK"))), false);
    }

    @Test
    void settingsFollowTheirClientAndNoOtherClient() throws IOException {
        try (RawClient alpha = RawClient.trusted(proxy.port(), USER, "postgres");
             RawClient beta = RawClient.trusted(proxy.port(), USER, "postgres")) {
            alpha.send(query("SET application_name = 'alpha'"));
            assertEquals("C(SET) Z(I)", alpha.transcript(1));
            beta.send(query("SHOW application_name"));
            assertEquals("T D() C(SHOW) Z(I)", beta.transcript(1));
            alpha.send(query("SHOW application_name"));
            assertEquals("T D(alpha) C(SHOW) Z(I)", alpha.transcript(1));
            beta.send(query("SET DateStyle = 'German'"));
            beta.transcript(1);
            alpha.send(query("SELECT '2024-01-31'::date"));
            assertEquals("T D(2024-01-31) C(SELECT 1) Z(I)", alpha.transcript(1));
            beta.send(query("SELECT '2024-01-31'::date"));
            assertEquals("T D(31.01.2024) C(SELECT 1) Z(I)", beta.transcript(1));
        }
    }

    /** Replies pgferry makes itself, with no server reply behind them, still reach a client that only sent Flush. */
    @Test
    void answersMadeLocallyAreFlushedWithoutAServerReply() throws IOException {
        try (RawClient client = RawClient.trusted(proxy.port(), USER, "postgres")) {
            client.send(concat(parse("local_close", "SELECT 1"), sync()));
            assertEquals("1 Z(I)", client.transcript(1));
            client.send(concat(close('S', "local_close"), flush()));
            assertEquals('3', client.read().type());
            client.send(concat(parse("local_close", "SELECT 2"), flush()));
            assertEquals('1', client.read().type());
        }
    }

    /** Each login seeds its own parameter set, whatever the client before it asked for on the same server. */
    @Test
    void eachLoginKeepsItsOwnStartupSettings() throws SQLException {
        for (String[] settings : new String[][] {{"first", "1MB"}, {"first", "2MB"}, {"second", "2MB"}, {"first", "1MB"}}) {
            try (Connection client = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                    "ApplicationName=" + settings[0] + "&options=-c%20work_mem%3D" + settings[1]);
                 Statement statement = client.createStatement();
                 ResultSet shown = statement.executeQuery(
                         "SELECT current_setting('application_name'), current_setting('work_mem')")) {
                assertTrue(shown.next());
                assertEquals(settings[0], shown.getString(1));
                assertEquals(settings[1], shown.getString(2));
            }
        }
    }

    /**
     * Connect, prepare, run, disconnect, twice, as a stateless worker does: the second client's statement is the
     * copy the server already holds, not a second one under a new name.
     */
    @Test
    void aLaterClientPreparingTheSameTextUsesTheServersCopy() throws SQLException {
        String text = "SELECT 4242 AS prepared_by_each_request";
        for (int request = 0; request < 2; request++) {
            try (Connection client = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                    "prepareThreshold=1");
                 PreparedStatement statement = client.prepareStatement(text);
                 ResultSet row = statement.executeQuery()) {
                assertTrue(row.next());
                assertEquals(4242, row.getInt(1));
            }
        }
        try (Connection client = proxy.connectApp();
             PreparedStatement copies = client.prepareStatement(
                     "SELECT count(*) FROM pg_prepared_statements WHERE statement = ?")) {
            copies.setString(1, text);
            try (ResultSet count = copies.executeQuery()) {
                assertTrue(count.next());
                assertEquals(1, count.getInt(1), "statements the one server holds for this text");
            }
        }
    }

    @Test
    void sessionStateThatCannotMovePinsTheClientAndIsResetAfterIt() throws IOException {
        long before = io.pgferry.frontend.PinReason.TEMP_TABLE.pins();
        try (RawClient pinned = RawClient.trusted(proxy.port(), USER, "postgres")) {
            pinned.send(query("CREATE TEMP TABLE scratch_pin (x int); INSERT INTO scratch_pin VALUES (1)"));
            assertEquals("C(CREATE TABLE) C(INSERT 0 1) Z(I)", pinned.transcript(1));
            pinned.send(query("SELECT count(*) FROM scratch_pin"));
            assertEquals("T D(1) C(SELECT 1) Z(I)", pinned.transcript(1));
        }
        assertEquals(before + 1, io.pgferry.frontend.PinReason.TEMP_TABLE.pins());
        try (RawClient next = RawClient.trusted(proxy.port(), USER, "postgres")) {
            next.send(query("SELECT count(*) FROM pg_class WHERE relname = 'scratch_pin'"));
            assertEquals("T D(0) C(SELECT 1) Z(I)", next.transcript(1));
        }
    }

    @Test
    void sessionSetConfigPinsAndDoesNotReachTheNextClient() throws IOException {
        long before = io.pgferry.frontend.PinReason.UNTRACKED_SET.pins();
        try (RawClient pinned = RawClient.trusted(proxy.port(), USER, "postgres")) {
            pinned.send(query("SELECT set_config('app.tenant', 'acme', false)"));
            assertEquals("T D(acme) C(SELECT 1) Z(I)", pinned.transcript(1));
            pinned.send(query("SELECT current_setting('app.tenant')"));
            assertEquals("T D(acme) C(SELECT 1) Z(I)", pinned.transcript(1), "the client kept its server");
        }
        assertEquals(before + 1, io.pgferry.frontend.PinReason.UNTRACKED_SET.pins());
        try (RawClient next = RawClient.trusted(proxy.port(), USER, "postgres")) {
            next.send(query("SELECT current_setting('app.tenant', true) IS NULL OR current_setting('app.tenant', true) = ''"));
            assertEquals("T D(t) C(SELECT 1) Z(I)", next.transcript(1), "the reset query removed the setting");
        }
    }

    @Test
    void aStartupSettingTheServerRejectsEndsTheSessionWithFatalAtTheFirstQuery() throws IOException {
        try (RawClient known = RawClient.trusted(proxy.port(), USER, "postgres")) {
            known.send(query("SELECT 1"));
            assertEquals("T D(1) C(SELECT 1) Z(I)", known.transcript(1), "the pool knows its servers' parameters");
        }
        try (RawClient client = new RawClient(proxy.port())) {
            client.send(RawClient.startup("user", USER, "database", "postgres", "options", "-c work_mem=abc"));
            assertEquals('Z', client.readUntil('Z').type(), "greeted from the pool's known parameters");
            client.send(query("SELECT 1"));
            RawClient.Message error = client.readUntil('E');
            assertEquals("FATAL 22023", error.severity() + " " + error.sqlState(), error.text());
            assertTrue(error.text().contains("invalid value for parameter \"work_mem\""), error.text());
            assertTrue(client.closedByPeer());
        }
        try (RawClient next = RawClient.trusted(proxy.port(), USER, "postgres")) {
            next.send(query("SHOW work_mem"));
            assertEquals("T D(4MB) C(SHOW) Z(I)", next.transcript(1), "the server went on to the next client");
        }
    }
}
