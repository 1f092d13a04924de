package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** TLS on both sides of pgferry, with pgjdbc: clients' TLS, verified upstream TLS, handshakes off the event loops. */
@ExtendWith(PostgresExtension.class)
class TlsIT {
    private static TestProxy proxy;
    private static PostgresServer server;

    @BeforeAll
    static void start(PostgresServer postgres) {
        server = postgres;
        proxy = TestProxy.start(postgres, "");
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void tlsToClientsAndVerifiedTlsToTheServer() throws SQLException {
        String ca = server.certificates().caCertificate().toString();
        try (Connection connection = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + proxy.port() + "/app_tls?sslmode=verify-full&sslrootcert=" + ca,
                TestProxy.APP_USER, TestProxy.APP_PASSWORD)) {
            assertEquals("t", SessionPoolingIT.single(connection, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
                    "app_tls reaches PostgreSQL over verified TLS");
        }
    }

    /** PostgreSQL 17's sslnegotiation=direct: the ClientHello is the first byte, no SSLRequest round trip. */
    @Test
    void directTlsWithoutSslRequest() throws SQLException {
        String url = "jdbc:postgresql://localhost:" + proxy.port() + "/app?sslmode=require&sslNegotiation=direct";
        try (Connection connection = java.sql.DriverManager.getConnection(url, TestProxy.APP_USER,
                TestProxy.APP_PASSWORD)) {
            assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"));
        }
    }

    /** Direct TLS: ALPN postgresql is chosen, none is fine, any other is refused before the handshake. */
    @Test
    void directTlsAcceptsPostgresqlOrNoAlpnAndRefusesAnother() throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String type) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String type) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        for (String[] alpn : new String[][] {{"postgresql"}, {}, {"h2", "http/1.1"}}) {
            try (SSLSocket socket = (SSLSocket) trustAll.getSocketFactory()
                    .createSocket("127.0.0.1", proxy.port())) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setApplicationProtocols(alpn);
                socket.setSSLParameters(parameters);
                socket.setSoTimeout(10_000);
                if (alpn.length > 0 && !alpn[0].equals("postgresql")) {
                    assertThrows(IOException.class, socket::startHandshake, String.join(",", alpn));
                    continue;
                }
                socket.startHandshake();
                assertEquals(alpn.length > 0 ? "postgresql" : "", socket.getApplicationProtocol());
                socket.getOutputStream().write(RawClient.startup("user", TestProxy.APP_USER, "database", "app"));
                assertEquals('R', socket.getInputStream().read(), "an authentication request, over TLS");
            }
        }
    }

    @Test
    void clientHandshakesComputeOnTheCpuWorkersNotTheEventLoops() throws SQLException {
        String url = "jdbc:postgresql://localhost:" + proxy.port() + "/app?sslmode=require";
        // The first login opens the server link and derives its SCRAM key; what follows is the handshakes' work.
        try (Connection warm = java.sql.DriverManager.getConnection(url, TestProxy.APP_USER, TestProxy.APP_PASSWORD)) {
            assertEquals("1", SessionPoolingIT.single(warm, "SELECT 1"));
        }
        long before = cpuWorkersNanos();
        for (int i = 0; i < 10; i++) {
            try (Connection connection = java.sql.DriverManager.getConnection(url, TestProxy.APP_USER,
                    TestProxy.APP_PASSWORD)) {
                assertEquals("1", SessionPoolingIT.single(connection, "SELECT 1"));
            }
        }
        long spent = cpuWorkersNanos() - before;
        assertTrue(spent > 1_000_000, "ten TLS handshakes spent " + spent + " ns on pgferry's CPU workers");
    }

    /** CPU time of the live threads of pgferry's CPU worker pool. */
    private static long cpuWorkersNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("pgferry-cpu-"))
                .mapToLong(thread -> Math.max(0, threads.getThreadCpuTime(thread.getId())))
                .sum();
    }

    @Test
    void tlsRequiredRefusesPlaintextClients() {
        try (TestProxy strict = TestProxy.start(server, "pgferry.tls.mode = require")) {
            SQLException e = assertThrows(SQLException.class,
                    () -> strict.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD));
            assertEquals("28000", e.getSQLState());
            assertTrue(e.getMessage().contains("SSL required"), e.getMessage());
        }
    }

    @Test
    void upstreamCertificateFromAnotherAuthorityIsRejected() throws Exception {
        java.nio.file.Path otherCa = java.nio.file.Files.createTempDirectory("other-ca");
        io.pgferry.testkit.TestCertificates other = io.pgferry.testkit.TestCertificates.generate(otherCa);
        String hocon = "pgferry.databases.bad { upstream = \"postgres://scram_user:scram-secret@localhost:"
                + server.port() + "/app?sslmode=verify-ca&sslrootcert=" + other.caCertificate() + "\" }";
        try (TestProxy strict = TestProxy.start(server, hocon)) {
            SQLException e = assertThrows(SQLException.class,
                    () -> strict.connect("bad", TestProxy.APP_USER, TestProxy.APP_PASSWORD));
            assertEquals("08006", e.getSQLState());
            assertTrue(e.getMessage().contains("TLS"), e.getMessage());
        }
    }

    @Test
    void cancelReachesAServerBehindTls() throws Exception {
        try (TestProxy proxy = TestProxy.start(server, "");
             Connection client = proxy.connect("app_tls", TestProxy.APP_USER, TestProxy.APP_PASSWORD);
             Statement statement = client.createStatement()) {
            long started = System.nanoTime();
            Thread canceller = SessionPoolingIT.cancelLater(statement);
            SQLException cancelled = assertThrows(SQLException.class, () -> statement.execute("SELECT pg_sleep(30)"));
            canceller.join();
            assertEquals("57014", cancelled.getSQLState());
            assertTrue(System.nanoTime() - started < java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
            assertEquals("1", SessionPoolingIT.single(client, "SELECT 1"), "the session goes on after the cancel");
        }
    }

    /**
     * libpq's channel_binding=require (psql) and pgjdbc's channelBinding=require log in through pgferry: SCRAM-SHA-256-PLUS
     * binds the exchange to the certificate pgferry presented (issue 27, item 5).
     */
    @Test
    void channelBindingIsRequiredAndServed() throws Exception {
        ClientTools.Result psql = ClientTools.run(TestProxy.APP_PASSWORD, java.util.List.of("psql", "-X", "-At",
                "host=127.0.0.1 port=" + proxy.port() + " dbname=app user=" + TestProxy.APP_USER
                        + " sslmode=require channel_binding=require", "-c", "select 'bound'"));
        assertEquals(0, psql.exitCode(), psql.output());
        assertEquals("bound", psql.output().strip());
        try (Connection jdbc = proxy.connect("app", TestProxy.APP_USER, TestProxy.APP_PASSWORD,
                "sslmode=require&channelBinding=require")) {
            assertEquals("1", SessionPoolingIT.single(jdbc, "SELECT 1"));
        }
        ClientTools.Result plain = ClientTools.run(TestProxy.APP_PASSWORD, java.util.List.of("psql", "-X", "-At",
                "host=127.0.0.1 port=" + proxy.port() + " dbname=app user=" + TestProxy.APP_USER
                        + " sslmode=disable channel_binding=require", "-c", "select 1"));
        assertTrue(plain.exitCode() != 0 && plain.output().contains("channel binding"), plain.output());
    }
}
