package io.pgferry.loadtest;

import com.typesafe.config.ConfigFactory;
import io.pgferry.Proxy;
import io.pgferry.config.ConfigLoader;
import io.pgferry.context.Listening;
import io.pgferry.testkit.PostgresServer;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a throwaway PostgreSQL (zonky binaries, no system install), puts pgferry in front of it with TLS and
 * SCRAM, prints a psql command line that works, and on Ctrl-C stops both and deletes the data.
 */
public final class Demo {
    static final String USER = "demo";
    static final String PASSWORD = "ferry-demo";

    private Demo() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length == 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : 6432;
        System.out.println("starting PostgreSQL ...");
        PostgresServer postgres = PostgresServer.start();
        Proxy proxy;
        try {
            proxy = Proxy.start(ConfigLoader.fromConfig(ConfigFactory.parseString(hocon(postgres, port))));
        } catch (Listening.ListenFailure e) {
            postgres.close();
            System.err.println("pgferry: " + e.getMessage() + " (bin/pgferry demo --port N picks another port)");
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping pgferry and PostgreSQL, removing temporary data");
            proxy.close();
            postgres.close();
            stopped.countDown();
        }, "demo-stop"));
        System.out.printf("""

                pgferry %s is listening on 127.0.0.1:%d in front of PostgreSQL %s on port %d.
                Connect with TLS and SCRAM:

                  PGPASSWORD=%s psql "postgresql://%s@localhost:%d/app?sslmode=require"

                Benchmark it:

                  PGPASSWORD=%s pgbench -i "postgresql://%s@localhost:%d/app"
                  PGPASSWORD=%s pgbench -c 8 -T 10 -M extended "postgresql://%s@localhost:%d/app"

                Ctrl-C stops both and removes the temporary data.
                """, version(), port, postgres.version(), postgres.port(),
                PASSWORD, USER, port, PASSWORD, USER, port, PASSWORD, USER, port);
        stopped.await();
    }

    static String hocon(PostgresServer postgres, int port) {
        return """
                pgferry {
                  listen = "127.0.0.1:%d"
                  tls { mode = prefer, cert-file = "%s", key-file = "%s" }
                  pool { size = 20 }
                  databases {
                    "*" { upstream = "postgres://%s:%s@127.0.0.1:%d?sslmode=require" }
                  }
                  users {
                    %s { password = "%s" }
                  }
                }
                """.formatted(port, postgres.certificates().serverCertificate(), postgres.certificates().serverKey(),
                PostgresServer.Role.SCRAM.user, PostgresServer.Role.SCRAM.password, postgres.port(), USER, PASSWORD);
    }

    private static String version() {
        String version = Proxy.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
