package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.Messages;
import java.util.concurrent.CompletableFuture;

/**
 * Asks a server whether it is in recovery and, if so, how many seconds its replay is behind what it has received
 * (0 on a primary, or when replay has caught up), as monitoring tools compute it: the time since the last replayed
 * transaction committed, or since the standby started if it has replayed none. Health checks run it; a host search
 * runs it on servers older than PostgreSQL 14, which do not report {@code in_hot_standby}. Completes exceptionally
 * when the query failed or the server went away. Runs on the link's loop.
 */
final class RecoveryQuery extends FirstRowQuery<RecoveryQuery.Recovery> {
    static final String SQL = "SELECT pg_catalog.pg_is_in_recovery(), CASE WHEN NOT pg_catalog.pg_is_in_recovery() "
            + "OR pg_catalog.pg_last_wal_receive_lsn() = pg_catalog.pg_last_wal_replay_lsn() THEN 0 ELSE "
            + "EXTRACT(EPOCH FROM pg_catalog.now() - COALESCE(pg_catalog.pg_last_xact_replay_timestamp(), "
            + "pg_catalog.pg_postmaster_start_time())) END";

    /** What the query found: the server's role and its replay lag in seconds. */
    record Recovery(UpstreamHosts.Role role, double lagSeconds) {
    }

    private RecoveryQuery(ServerConnection link) {
        super(link, "the recovery query");
    }

    static CompletableFuture<Recovery> run(ServerConnection link) {
        RecoveryQuery query = new RecoveryQuery(link);
        link.attach(query);
        link.send(FrontendMessages.query(link.channel().alloc(), SQL), Request.QUERY,
                ExpectedReplies.Action.FORWARD);
        link.flush();
        return query.answer().thenApply(recovery -> {
            if (recovery == null) {
                throw new IllegalStateException("the recovery query returned no row");
            }
            return recovery;
        });
    }

    @Override
    protected Recovery read(ByteBuf dataRow) {
        String lag = Messages.dataRowText(dataRow, 1);
        return new Recovery("t".equals(Messages.dataRowText(dataRow, 0)) ? UpstreamHosts.Role.STANDBY
                : UpstreamHosts.Role.PRIMARY, lag == null ? 0.0 : Double.parseDouble(lag));
    }
}
