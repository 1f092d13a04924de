package io.pgferry.context;


/**
 * One logged-in client as the admin console shows it (SHOW CLIENTS). A snapshot read across threads, so fields
 * may be a moment apart.
 *
 * @param state         {@code active} (holding a server), {@code waiting} (for one) or {@code idle}
 * @param serverPid     the process id of the server it holds, 0 if none
 * @param waitMicros    how long it has been waiting, 0 unless waiting
 */
public record ClientInfo(long id, String user, String database, String state, String address, int port,
                         String localAddress, int localPort, long connectEpochMillis, long requestEpochMillis,
                         long waitMicros, int serverPid, String tls, String applicationName, int preparedStatements) {
}
