package io.pgferry.admin;

import io.pgferry.metrics.PoolStats;
import io.pgferry.pool.Pools;
import io.pgferry.pool.ServerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SHOW POOLS with PgBouncer's columns. Parked servers (kept by their last client, free to any waiter) count as
 * sv_idle and are also shown in the extra last column sv_parked. The numbers come from the same snapshot as the
 * pgferry_pool_servers and pgferry_pool_clients series.
 */
final class ShowPools {
    static final List<String> COLUMNS = List.of("database", "user", "cl_active", "cl_waiting", "cl_active_cancel_req",
            "cl_waiting_cancel_req", "sv_active", "sv_active_cancel", "sv_being_canceled", "sv_idle", "sv_used",
            "sv_tested", "sv_login", "maxwait", "maxwait_us", "pool_mode", "load_balance_hosts", "sv_parked");

    private ShowPools() {
    }

    static AdminResult run(Pools pools) {
        List<List<String>> rows = new ArrayList<>();
        for (ServerPool pool : pools.all()) {
            PoolStats stats = pool.stats();
            rows.add(new Rows().add(pool.key().databaseLabel()).add(pool.key().user())
                    .add(Math.max(0, pool.clients() - stats.waiting())).add(stats.waiting()).add(0).add(0)
                    .add(stats.active()).add(0).add(0).add(stats.idle() + stats.parked()).add(0).add(0)
                    .add(stats.connecting()).add(stats.longestWaitMicros() / 1_000_000)
                    .add(stats.longestWaitMicros() % 1_000_000)
                    .add(pool.settings().mode().name().toLowerCase(Locale.ROOT)).add("").add(stats.parked()).done());
        }
        return new AdminResult(COLUMNS, rows, "SHOW");
    }
}
