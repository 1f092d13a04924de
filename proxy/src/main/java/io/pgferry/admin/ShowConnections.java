package io.pgferry.admin;

import io.pgferry.backend.ServerClient;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerParameters;
import io.pgferry.context.ClientInfo;
import io.pgferry.pool.Pools;
import io.pgferry.pool.ServerPool;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * SHOW CLIENTS and SHOW SERVERS, which share PgBouncer's columns. ptr and link hold pgferry's client numbers
 * (a server's link is the client it serves) and a server's remote_pid is its PostgreSQL process id.
 */
final class ShowConnections {
    static final List<String> COLUMNS = List.of("type", "user", "database", "replication", "state", "addr", "port",
            "local_addr", "local_port", "connect_time", "request_time", "wait", "wait_us", "close_needed", "ptr",
            "link", "remote_pid", "tls", "application_name", "prepared_statements", "id");

    private ShowConnections() {
    }

    static AdminResult clients(List<ClientInfo> clients) {
        List<List<String>> rows = new ArrayList<>();
        for (ClientInfo client : clients) {
            rows.add(new Rows().add("C").add(client.user()).add(client.database()).add("none").add(client.state())
                    .add(client.address()).add(client.port()).add(client.localAddress()).add(client.localPort())
                    .add(Rows.timestamp(client.connectEpochMillis())).add(Rows.timestamp(client.requestEpochMillis()))
                    .add(client.waitMicros() / 1_000_000).add(client.waitMicros() % 1_000_000).add(0)
                    .add(client.id()).add(client.serverPid() == 0 ? "" : "server pid " + client.serverPid()).add(0)
                    .add(client.tls()).add(client.applicationName()).add(client.preparedStatements())
                    .add(client.id()).done());
        }
        return new AdminResult(COLUMNS, rows, "SHOW");
    }

    static AdminResult servers(Pools pools) {
        List<List<String>> rows = new ArrayList<>();
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        for (ServerPool pool : pools.all()) {
            for (ServerConnection link : pool.links()) {
                ServerClient client = link.client();
                String state = link.lifecycle().label();
                InetSocketAddress remote = (InetSocketAddress) link.channel().remoteAddress();
                InetSocketAddress local = (InetSocketAddress) link.channel().localAddress();
                long connectMillis = nowMillis - (nowNanos - link.createdNanos()) / 1_000_000;
                long request = link.requestStartNanos();
                long requestMillis = request == 0 ? connectMillis : nowMillis - (nowNanos - request) / 1_000_000;
                rows.add(new Rows().add("S").add(pool.key().user()).add(pool.key().databaseLabel()).add("none").add(state)
                        .add(remote == null ? "" : remote.getAddress().getHostAddress())
                        .add(remote == null ? 0 : remote.getPort())
                        .add(local == null ? "" : local.getAddress().getHostAddress())
                        .add(local == null ? 0 : local.getPort())
                        .add(Rows.timestamp(connectMillis)).add(Rows.timestamp(requestMillis)).add(0).add(0)
                        .add(System.nanoTime() - link.expiresAtNanos() > 0 ? 1 : 0).add(link.processId())
                        .add(client == null || client.clientId() == 0 ? "" : Long.toString(client.clientId()))
                        .add(link.processId()).add(link.isTls() ? "TLS" : "")
                        .add(link.parameters().login().stream().filter(p -> p.lowerCaseName().equals("application_name"))
                                .map(ServerParameters.LoginParameter::value).findFirst().orElse(""))
                        .add(link.state().preparedCount()).add(link.processId()).done());
            }
        }
        return new AdminResult(COLUMNS, rows, "SHOW");
    }
}
