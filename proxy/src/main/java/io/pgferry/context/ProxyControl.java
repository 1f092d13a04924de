package io.pgferry.context;

/** What the console asks of the running proxy beyond its pools: RELOAD and SHUTDOWN. */
public interface ProxyControl {
    /** How SHUTDOWN waits before the process ends. */
    enum ShutdownMode {
        /** Close everything now. */
        IMMEDIATE,
        /** Let running transactions finish (SIGINT). */
        WAIT_FOR_SERVERS,
        /** Let clients finish and leave (SIGTERM). */
        WAIT_FOR_CLIENTS
    }

    /** Re-reads the configuration; throws {@link IllegalArgumentException} naming what is wrong with a bad one. */
    void reload();

    /** Starts shutting down in the background and returns at once. */
    void shutdown(ShutdownMode mode);

    ProxyControl NONE = new ProxyControl() {
        @Override
        public void reload() {
            throw new IllegalArgumentException("RELOAD needs pgferry started with --config FILE");
        }

        @Override
        public void shutdown(ShutdownMode mode) {
            throw new IllegalArgumentException("SHUTDOWN is not available in this process");
        }
    };
}
