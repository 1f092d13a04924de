package io.pgferry;

import com.typesafe.config.ConfigException;
import io.pgferry.context.ProxyControl;
import io.pgferry.config.ProxyConfig;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Signals and the console's RELOAD and SHUTDOWN for a pgferry process, with PgBouncer's meanings: HUP reloads;
 * TERM drains and waits for clients to leave; INT drains and waits for running transactions; a second TERM or
 * INT while draining exits at once. Draining is bounded by shutdown-timeout.
 */
final class Lifecycle implements ProxyControl {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final Proxy proxy;
    /** Reads the configuration again for a reload (the file, with the command line over it); null without a file. */
    private final Supplier<ProxyConfig> configSource;
    private final Duration shutdownTimeout;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    Lifecycle(Proxy proxy, Supplier<ProxyConfig> configSource, Duration shutdownTimeout) {
        this.proxy = proxy;
        this.configSource = configSource;
        this.shutdownTimeout = shutdownTimeout;
    }

    void handleSignals() {
        handle("TERM", signal -> onStopSignal("TERM", ShutdownMode.WAIT_FOR_CLIENTS), "SHUTDOWN WAIT_FOR_CLIENTS");
        handle("INT", signal -> onStopSignal("INT", ShutdownMode.WAIT_FOR_SERVERS), "SHUTDOWN WAIT_FOR_SERVERS");
        if (configSource != null) {
            handle("HUP", signal -> {
                try {
                    reload();
                } catch (IllegalArgumentException alreadyLogged) {
                    // reload() logged why; a signal has nobody else to tell.
                }
            }, "RELOAD");
        }
        // Any other exit (System.exit elsewhere, a fatal error) still closes sockets cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "pgferry-exit"));
    }

    /**
     * Unlike a C program, the JVM leaves a signal ignored if its parent ignored it (nohup does so for HUP, a
     * script's background job for INT), so the handler never runs: say so, and what to use instead.
     */
    private static void handle(String name, SignalHandler handler, String consoleCommand) {
        if (Signal.handle(new Signal(name), handler) == SignalHandler.SIG_IGN) {
            LOG.warn("SIG{} was ignored by the process that started pgferry (nohup?) and stays ignored: "
                    + "use the admin console's {} instead", name, consoleCommand);
        }
    }

    private void onStopSignal(String name, ShutdownMode mode) {
        if (stopping.get()) {
            LOG.warn("second SIG{} while shutting down: exiting now", name);
            Runtime.getRuntime().halt(1);
        }
        LOG.info("SIG{}: shutting down ({}), at most {} s; send it again to exit at once", name,
                mode.name().toLowerCase(java.util.Locale.ROOT), shutdownTimeout.toSeconds());
        shutdown(mode);
    }

    void awaitStop() throws InterruptedException {
        stopped.await();
        System.exit(0);
    }

    @Override
    public void reload() {
        if (configSource == null) {
            throw new IllegalArgumentException("RELOAD needs pgferry started with --config FILE");
        }
        try {
            proxy.reload(configSource.get());
        } catch (ConfigException | IllegalArgumentException e) {
            LOG.error("configuration reload rejected, keeping the running one: {}", e.getMessage());
            throw new IllegalArgumentException("configuration rejected, the running one is kept: " + e.getMessage(), e);
        }
    }

    @Override
    public void shutdown(ShutdownMode mode) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Thread drain = new Thread(() -> {
            try {
                proxy.drainAndClose(shutdownTimeout, mode);
                LOG.info("pgferry stopped");
            } catch (RuntimeException | Error e) {
                // A failed drain must still end the process: a supervisor that sent TERM waits for the exit.
                LOG.error("shutdown failed, exiting anyway", e);
            } finally {
                stopped.countDown();
            }
        }, "pgferry-shutdown");
        drain.start();
    }
}
