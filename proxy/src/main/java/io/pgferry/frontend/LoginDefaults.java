package io.pgferry.frontend;

import io.netty.buffer.ByteBufAllocator;
import io.pgferry.backend.ParameterSync;
import io.pgferry.backend.ServerParameters;
import io.pgferry.backend.SessionParameters;
import io.pgferry.protocol.BackendMessages;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client starts its session with: its parameters (the server's login values overlaid with its startup
 * packet) and the ParameterStatus messages that greet it. Clients of a pool nearly always log in with the same
 * settings to servers that reported the same values, so the last result is kept: a login then checks a list by
 * identity (servers' login lists are interned) and compares a small map, instead of building both again. Immutable.
 */
final class LoginDefaults {
    private static volatile LoginDefaults last;

    private final List<ServerParameters.LoginParameter> serverDefaults;
    private final Map<String, String> startupParameters;
    private final SessionParameters parameters;
    private final byte[] parameterStatuses;

    private LoginDefaults(List<ServerParameters.LoginParameter> serverDefaults, ClientStartup startup) {
        this.serverDefaults = serverDefaults;
        this.startupParameters = startup.sessionParameters();
        Map<String, String> seed = new HashMap<>(startup.sessionParameters());
        for (ServerParameters.LoginParameter parameter : serverDefaults) {
            seed.put(parameter.lowerCaseName(), startup.valueOf(parameter.lowerCaseName(), parameter.value()));
        }
        seed.keySet().removeIf(name -> !ParameterSync.settable(name));
        this.parameters = SessionParameters.of(seed);
        this.parameterStatuses = BackendMessages.parameterStatuses(ByteBufAllocator.DEFAULT,
                startup.parametersShown(serverDefaults));
    }

    /** The defaults of a client that logged in with {@code startup} to a server that reported {@code serverDefaults}. */
    static LoginDefaults of(List<ServerParameters.LoginParameter> serverDefaults, ClientStartup startup) {
        LoginDefaults previous = last;
        if (previous != null && previous.serverDefaults == serverDefaults
                && previous.startupParameters.equals(startup.sessionParameters())) {
            return previous;
        }
        LoginDefaults computed = new LoginDefaults(serverDefaults, startup);
        last = computed;
        return computed;
    }

    /** The client's session parameters at login; from then on they follow the ParameterStatus messages it receives. */
    SessionParameters parameters() {
        return parameters;
    }

    /** The encoded ParameterStatus messages for the client's greeting; shared, not to be modified. */
    byte[] parameterStatuses() {
        return parameterStatuses;
    }
}
