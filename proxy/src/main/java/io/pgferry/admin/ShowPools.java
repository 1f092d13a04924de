package io.pgferry.admin;

import io.pgferry.pool.PoolStats;
import io.pgferry.pool.Pools;
import io.pgferry.pool.ServerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SHOW POOLS with PgBouncer's columns. Parked servers (kept by their last client, free to any waiter) count as
 * sv_idle and are also shown in the extra last column sv_parked.
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
            rows.add(List.of(pool.key().database(), pool.key().user(),
                    Integer.toString(Math.max(0, pool.clients() - stats.waiting())), Integer.toString(stats.waiting()),
                    "0", "0", Integer.toString(stats.active()), "0", "0",
                    Integer.toString(stats.idle() + stats.parked()), "0", "0", Integer.toString(stats.connecting()),
                    Long.toString(stats.longestWaitMicros() / 1_000_000), Long.toString(stats.longestWaitMicros() % 1_000_000),
                    pool.settings().mode().name().toLowerCase(Locale.ROOT), "", Integer.toString(stats.parked())));
        }
        return new AdminResult(COLUMNS, rows, "SHOW");
    }
}
