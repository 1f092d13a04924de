package io.pgferry.http;

import io.pgferry.config.DatabaseConfig;
import io.pgferry.config.ProxyConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Readiness: every configured upstream accepts a TCP connection. The answer is cached for a few seconds, so
 * frequent probes do not open a connection each; the check runs on the caller's thread with a short timeout.
 */
public final class UpstreamProbe implements BooleanSupplier {
    private static final long CACHE_NANOS = 5_000_000_000L;
    private static final int TIMEOUT_MILLIS = 1000;

    private final Supplier<ProxyConfig> config;
    private volatile long checkedAt;
    private volatile boolean lastAnswer;

    public UpstreamProbe(Supplier<ProxyConfig> config) {
        this.config = config;
    }

    @Override
    public boolean getAsBoolean() {
        long now = System.nanoTime();
        if (checkedAt != 0 && now - checkedAt < CACHE_NANOS) {
            return lastAnswer;
        }
        boolean reachable = true;
        for (DatabaseConfig database : config.get().databases().values()) {
            reachable &= reachable(database.upstream().host(), database.upstream().port());
        }
        lastAnswer = reachable;
        checkedAt = now;
        return reachable;
    }

    private static boolean reachable(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
