package io.pgferry.edge;

import io.pgferry.backend.ParameterSync;
import io.pgferry.backend.ServerParameters;
import io.pgferry.backend.SessionParameters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The session parameters a SQL request runs with: the servers' login values overlaid with its connection string's
 * settings, as a client on the PostgreSQL port starts. Requests nearly always repeat the last combination (the
 * login list is interned), so that one is kept rather than built again per request. Thread-safe.
 */
final class LinkParameters {
    private record Computed(List<ServerParameters.LoginParameter> login, Map<String, String> settings,
                            SessionParameters parameters) {
    }

    private volatile Computed last;

    SessionParameters wanted(List<ServerParameters.LoginParameter> login, Map<String, String> settings) {
        Computed previous = last;
        if (previous != null && previous.login == login && previous.settings.equals(settings)) {
            return previous.parameters;
        }
        Map<String, String> seed = new HashMap<>(settings);
        for (ServerParameters.LoginParameter parameter : login) {
            seed.putIfAbsent(parameter.lowerCaseName(), parameter.value());
        }
        seed.keySet().removeIf(name -> !ParameterSync.settable(name));
        Computed computed = new Computed(login, Map.copyOf(settings), SessionParameters.of(seed));
        last = computed;
        return computed.parameters;
    }
}
