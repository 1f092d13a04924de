package io.pgferry.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The whole validated configuration. Immutable; a reload builds a new one. {@code httpListen} may be null (off).
 * {@code maxUserConnections} applies to upstream users with no entry of their own; 0 is no bound.
 * {@code maxLoginsInProgress} bounds connections that have not finished logging in (0: max-client-connections);
 * {@code maxAutoPools} bounds the pools the {@code "*"} entry creates, which close after {@code autodbIdleTimeout}
 * without clients or servers. {@code edge} is the listener for edge clients (SQL over HTTP, WebSocket).
 * {@code listenUnix} is the directory of the Unix-domain socket {@code .s.PGSQL.<port>}, or {@code null} (off).
 * {@code hba} are the client authentication rules of {@code hba-file}, or {@code null} (the users' methods apply).
 * {@code authFailureDelay} holds back the answer to a failed login (PostgreSQL's auth_delay), 0 for none.
 * {@code authQuery} looks up users that are not configured, or is {@code null} (off); a database entry may have
 * its own ({@link #authQuery(String)}). {@code banTime}: how long a host of a several-host upstream that could not be
 * reached is left out before it is tried again. {@code healthCheckInterval}: how often such hosts are checked (0 never);
 * {@code maxReplicaLag}: a standby further behind is left out for reads (0: no limit).
 */
public record ProxyConfig(InetSocketAddress listen, InetSocketAddress httpListen, String transport, int threads,
                          int maxClientConnections, int maxMessageSize, AuthMethod defaultAuthMethod,
                          int maxPreparedStatements, long maxPreparedStatementMemory, ClientTlsConfig clientTls,
                          Duration clientLoginTimeout, Duration clientIdleTimeout, Duration idleTransactionTimeout,
                          Duration cancelWaitTimeout, Duration housekeepingInterval, Duration statsPeriod,
                          Duration shutdownTimeout, LogFormat logFormat, boolean logConnections,
                          Map<String, DatabaseConfig> databases, Map<String, UserConfig> users,
                          Set<String> adminUsers, Set<String> statsUsers, int maxUserConnections,
                          int maxLoginsInProgress, int maxAutoPools, Duration autodbIdleTimeout, EdgeConfig edge,
                          Path listenUnix, HbaRules hba, Duration authFailureDelay, AuthQueryConfig authQuery,
                          Duration banTime, Duration healthCheckInterval, Duration maxReplicaLag) {

    /** How log lines are written: one human-readable line, or one JSON object per line for log collectors. */
    public enum LogFormat { TEXT, JSON }

    /** How many connections may be logging in at once before the oldest unfinished login is dropped. */
    public int loginsInProgressLimit() {
        return maxLoginsInProgress > 0 ? maxLoginsInProgress : maxClientConnections;
    }

    /** The server limit for an upstream user: its own entry's, else the default; 0 is no bound. */
    public int maxUserConnections(String user) {
        UserConfig entry = users.get(user);
        return entry != null && entry.maxConnections() > 0 ? entry.maxConnections() : maxUserConnections;
    }

    /** The auth_query for clients of {@code database}: its entry's own, else the global one; {@code null}: none. */
    public AuthQueryConfig authQuery(String database) {
        DatabaseConfig entry = database(database);
        return entry != null && entry.authQuery() != null ? entry.authQuery() : authQuery;
    }

    /** The entry for a database name a client asked for, falling back to {@code "*"}; {@code null} if none. */
    public DatabaseConfig database(String name) {
        DatabaseConfig exact = databases.get(name);
        return exact != null ? exact : databases.get(DatabaseConfig.WILDCARD);
    }
}
