package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.Messages;
import java.util.concurrent.CompletableFuture;

/**
 * A host's health check on a monitoring link: how many seconds a standby's replay is behind what it has received
 * (0 on a primary, or when replay has caught up), as monitoring tools compute it: the time since the last replayed
 * transaction committed, or since the standby started if it has replayed none. Completes with the seconds, or
 * exceptionally when the query failed or the server went away. Runs on the link's loop.
 */
final class ReplayLagQuery extends OwnQueryClient {
    static final String SQL = "SELECT CASE WHEN NOT pg_catalog.pg_is_in_recovery() OR "
            + "pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn() THEN 0 ELSE "
            + "EXTRACT(EPOCH FROM pg_catalog.now() - COALESCE(pg_catalog.pg_last_xact_replay_timestamp(), "
            + "pg_catalog.pg_postmaster_start_time())) END";

    private final ServerConnection link;
    private final CompletableFuture<Double> lag = new CompletableFuture<>();
    private Double seconds;

    private ReplayLagQuery(ServerConnection link) {
        this.link = link;
    }

    static CompletableFuture<Double> run(ServerConnection link) {
        ReplayLagQuery query = new ReplayLagQuery(link);
        link.attach(query);
        link.send(FrontendMessages.query(link.channel().alloc(), SQL), Request.QUERY,
                ExpectedReplies.Action.FORWARD);
        link.flush();
        return query.lag;
    }

    @Override
    public void deliver(ByteBuf message) {
        try {
            byte type = Messages.type(message);
            if (type == BackendTag.DATA_ROW && seconds == null) {
                String text = Messages.dataRowText(message, 0);
                seconds = text == null ? 0.0 : Double.parseDouble(text);
            } else if (type == BackendTag.ERROR_RESPONSE) {
                fail();
            }
        } finally {
            message.release();
        }
    }

    @Override
    public void readyForQuery(byte transactionStatus, boolean idle) {
        if (idle) {
            link.detach();
            if (failed() || seconds == null) {
                lag.completeExceptionally(new IllegalStateException("the replay lag query failed"));
            } else {
                lag.complete(seconds);
            }
        }
    }

    @Override
    public void serverClosed(ServerClosure why) {
        lag.completeExceptionally(new IllegalStateException("server closed: " + why.message()));
    }
}
