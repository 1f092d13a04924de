package io.pgferry.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBufAllocator;
import io.pgferry.backend.ServerParameters.LoginParameter;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.ParameterStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginDefaultsTest {
    private static final List<LoginParameter> SERVER = List.of(
            new LoginParameter("application_name", "application_name", ""),
            new LoginParameter("TimeZone", "timezone", "UTC"),
            new LoginParameter("server_version", "server_version", "17.6"));

    @Test
    void clientSeesItsOwnValuesOverTheServersAndStartsWithThem() {
        ClientStartup startup = ClientStartup.of(Map.of("user", "u", "database", "d", "application_name", "mine"));
        LoginDefaults defaults = LoginDefaults.of(SERVER, startup);
        assertArrayEquals(BackendMessages.parameterStatuses(ByteBufAllocator.DEFAULT, List.of(
                new ParameterStatus("application_name", "mine"), new ParameterStatus("TimeZone", "UTC"),
                new ParameterStatus("server_version", "17.6"))), defaults.parameterStatuses());
        assertEquals("mine", defaults.parameters().get("application_name"));
        assertEquals("UTC", defaults.parameters().get("timezone"));
    }

    @Test
    void sameServerListAndStartupReuseTheLastResultAndAnythingElseComputesAnew() {
        ClientStartup first = ClientStartup.of(Map.of("user", "u", "database", "d", "application_name", "a"));
        ClientStartup same = ClientStartup.of(Map.of("user", "other", "database", "d", "application_name", "a"));
        ClientStartup different = ClientStartup.of(Map.of("user", "u", "database", "d", "application_name", "b"));
        LoginDefaults defaults = LoginDefaults.of(SERVER, first);
        assertSame(defaults, LoginDefaults.of(SERVER, same));
        LoginDefaults other = LoginDefaults.of(SERVER, different);
        assertNotSame(defaults, other);
        assertEquals("b", other.parameters().get("application_name"));
        assertNotSame(other, LoginDefaults.of(List.copyOf(SERVER.subList(0, 2)), different));
    }
}
