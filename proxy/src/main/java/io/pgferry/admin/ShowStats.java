package io.pgferry.admin;

import io.pgferry.metrics.PoolTotals;
import io.pgferry.pool.Pools;
import io.pgferry.pool.ServerPool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SHOW STATS: per database, totals since start and averages over the last stats period, PgBouncer's way:
 * avg_*_count and avg_recv/sent are per second, avg_xact_time and avg_query_time are per transaction and per
 * query, avg_wait_time per server assignment; times in microseconds. Totals are the Prometheus series' own.
 */
final class ShowStats {
    static final List<String> COLUMNS = List.of("database", "total_server_assignment_count", "total_xact_count",
            "total_query_count", "total_received", "total_sent", "total_xact_time", "total_query_time",
            "total_wait_time", "total_client_parse_count", "total_server_parse_count", "total_bind_count",
            "avg_server_assignment_count", "avg_xact_count", "avg_query_count", "avg_recv", "avg_sent",
            "avg_xact_time", "avg_query_time", "avg_wait_time", "avg_client_parse_count", "avg_server_parse_count",
            "avg_bind_count");

    private ShowStats() {
    }

    static AdminResult run(Pools pools) {
        Map<String, PoolTotals> totals = new LinkedHashMap<>();
        Map<String, PoolTotals> lastPeriod = new LinkedHashMap<>();
        Map<String, Long> periodNanos = new LinkedHashMap<>();
        for (ServerPool pool : pools.all()) {
            String database = pool.key().databaseLabel();
            totals.merge(database, pool.activity().totals(), PoolTotals::plus);
            lastPeriod.merge(database, pool.statsWindow().lastPeriod(), PoolTotals::plus);
            periodNanos.merge(database, pool.statsWindow().lastPeriodNanos(), Math::max);
        }
        List<List<String>> rows = new ArrayList<>();
        totals.forEach((database, total) -> {
            PoolTotals period = lastPeriod.get(database);
            double seconds = periodNanos.get(database) / 1e9;
            rows.add(new Rows().add(database).add(total.serverAssignments()).add(total.transactions())
                    .add(total.queries()).add(total.received()).add(total.sent()).add(total.transactionMicros())
                    .add(total.queryMicros()).add(total.waitMicros()).add(total.clientParses())
                    .add(total.serverParses()).add(total.binds())
                    .add(rate(period.serverAssignments(), seconds)).add(rate(period.transactions(), seconds))
                    .add(rate(period.queries(), seconds)).add(rate(period.received(), seconds))
                    .add(rate(period.sent(), seconds))
                    .add(per(period.transactionMicros(), period.transactions()))
                    .add(per(period.queryMicros(), period.queries()))
                    .add(per(period.waitMicros(), period.serverAssignments()))
                    .add(rate(period.clientParses(), seconds)).add(rate(period.serverParses(), seconds))
                    .add(rate(period.binds(), seconds)).done());
        });
        return new AdminResult(COLUMNS, rows, "SHOW");
    }

    private static long rate(long count, double seconds) {
        return seconds <= 0 ? 0 : Math.round(count / seconds);
    }

    private static long per(long micros, long count) {
        return count == 0 ? 0 : micros / count;
    }
}
