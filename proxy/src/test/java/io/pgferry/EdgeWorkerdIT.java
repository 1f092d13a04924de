package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgferry.testkit.PostgresExtension;
import io.pgferry.testkit.PostgresServer;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Worker code an edge user deploys, run by workerd from npm: {@code neon()} reaches pgferry's {@code /sql} over
 * HTTPS through workerd's own network stack (its internet service allowing local addresses, as {@code wrangler
 * dev} does), with a query, a serializable batch and an error (issue 25).
 */
@ExtendWith(PostgresExtension.class)
class EdgeWorkerdIT {

    @Test
    void aWorkerInWorkerdQueriesPgferryWithNeon(PostgresServer server) throws Exception {
        try (TestProxy proxy = TestProxy.start(server, EdgeDriverIT.EDGE)) {
            Path installed = NodeClients.install().toAbsolutePath();
            Path directory = installed.resolve("workerd");
            int workerPort = PostgresServer.freePort();
            String edge = "https://localhost:" + proxy.proxy().edgeAddress().getPort();
            Files.copy(server.certificates().caCertificate(), directory.resolve("ca.pem"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(directory.resolve("config.capnp"), Files.readString(
                    directory.resolve("config.capnp.template"))
                    .replace("@WORKER_PORT@", String.valueOf(workerPort))
                    .replace("@DATABASE_URL@", "postgresql://" + TestProxy.APP_USER + ":" + TestProxy.APP_PASSWORD
                            + "@localhost/app")
                    .replace("@SQL_ENDPOINT@", edge + "/sql"));
            Process workerd = new ProcessBuilder(installed.resolve("node_modules/.bin/workerd").toString(), "serve",
                    "config.capnp").directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(installed.resolve("workerd.log").toFile()).start();
            try {
                awaitListening(workerd, workerPort, installed.resolve("workerd.log"));
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + workerPort + "/")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body() + Files.readString(installed.resolve("workerd.log")));
                assertEquals("{\"answer\":42,\"who\":\"scram_user\",\"isolation\":\"serializable\",\"code\":\"22012\"}",
                        response.body());
            } finally {
                workerd.destroy();
                workerd.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** workerd has no readiness signal but its socket: polled, as for any server process. */
    private static void awaitListening(Process process, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("workerd exited: " + Files.readString(log));
            }
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        }
        throw new AssertionError("workerd did not listen within 30 s: " + Files.readString(log));
    }
}
