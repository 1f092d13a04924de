package io.pgferry.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The whole validated configuration. Immutable; a reload builds a new one. {@code httpListen} may be null (off). */
public record ProxyConfig(InetSocketAddress listen, InetSocketAddress httpListen, int threads,
                          int maxClientConnections, int maxMessageSize, AuthMethod defaultAuthMethod,
                          int maxPreparedStatements, long maxPreparedStatementMemory, ClientTlsConfig clientTls,
                          Duration clientLoginTimeout, Duration clientIdleTimeout, Duration idleTransactionTimeout,
                          Duration housekeepingInterval, Duration shutdownTimeout,
                          Map<String, DatabaseConfig> databases, Map<String, UserConfig> users,
                          Set<String> adminUsers) {

    /** The entry for a database name a client asked for, falling back to {@code "*"}; {@code null} if none. */
    public DatabaseConfig database(String name) {
        DatabaseConfig exact = databases.get(name);
        return exact != null ? exact : databases.get(DatabaseConfig.WILDCARD);
    }
}
