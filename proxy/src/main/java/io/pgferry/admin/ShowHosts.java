package io.pgferry.admin;

import io.pgferry.backend.UpstreamHosts;
import io.pgferry.config.Upstream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SHOW HOSTS (pgferry's own): one row per upstream host a server link has tried, with the role its latest login
 * reported, whether it is up, failing, banned (and for how much longer) or lagging past max-replica-lag, how often
 * it was banned, the replay lag its latest health check read, its role changes, pgferry's servers on it, and its
 * last connection error.
 */
final class ShowHosts {
    static final List<String> COLUMNS = List.of("host", "port", "role", "state", "banned_ms", "bans", "replay_lag_ms",
            "role_changes", "servers", "last_error");

    private ShowHosts() {
    }

    static AdminResult run(UpstreamHosts hosts, long now) {
        List<List<String>> rows = new ArrayList<>();
        List<Map.Entry<Upstream.Host, UpstreamHosts.HostState>> entries = new ArrayList<>(hosts.all().entrySet());
        entries.sort(Comparator.comparing(entry -> entry.getKey().toString()));
        for (Map.Entry<Upstream.Host, UpstreamHosts.HostState> entry : entries) {
            UpstreamHosts.HostState state = entry.getValue();
            boolean banned = state.bannedAt(now);
            rows.add(new Rows().add(entry.getKey().name()).add(entry.getKey().port())
                    .add(state.role().name().toLowerCase(Locale.ROOT))
                    .add(banned ? "banned" : state.lastError() != null ? "failing" : state.lagging() ? "lagging" : "up")
                    .add(banned ? state.bannedForNanos(now) / 1_000_000 : 0).add(state.bans())
                    .add(Double.isNaN(state.replayLagSeconds()) ? "" : String.valueOf(Math.round(state.replayLagSeconds() * 1000)))
                    .add(state.roleChanges()).add(state.servers()).add(state.lastError() == null ? "" : state.lastError()).done());
        }
        return new AdminResult(COLUMNS, rows, "SHOW");
    }
}
