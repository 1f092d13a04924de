package io.pgferry.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.ProtocolViolation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StartupCacheTest {
    private final StartupCache cache = new StartupCache();

    /** Parses a StartupMessage carrying {@code parameters} (in this order), releasing it afterwards. */
    private <T> T withStartup(Function<ByteBuf, T> action, String... parameters) {
        Map<String, String> sent = new LinkedHashMap<>();
        for (int i = 0; i < parameters.length; i += 2) {
            sent.put(parameters[i], parameters[i + 1]);
        }
        ByteBuf message = FrontendMessages.startupMessage(UnpooledByteBufAllocator.DEFAULT, sent);
        try {
            int readerIndex = message.readerIndex();
            T result = action.apply(message);
            assertEquals(readerIndex, message.readerIndex(), "the message is not consumed");
            return result;
        } finally {
            message.release();
        }
    }

    private StartupCache.Parsed parse(String... parameters) {
        return withStartup(cache::parse, parameters);
    }

    @Test
    void theSameBytesGiveTheSameParsedStartup() {
        StartupCache.Parsed first = parse("user", "alice", "database", "app", "application_name", "worker");
        StartupCache.Parsed again = parse("user", "alice", "database", "app", "application_name", "worker");
        assertSame(first, again);
        assertEquals("alice", first.startup().user());
        assertEquals("app", first.startup().database());
        assertEquals(Map.of("application_name", "worker"), first.startup().sessionParameters());
        assertEquals(List.of(), first.unsupportedOptions());
    }

    @Test
    void differentBytesParseOnTheirOwn() {
        StartupCache.Parsed worker = parse("user", "alice", "application_name", "worker");
        StartupCache.Parsed cron = parse("user", "alice", "application_name", "cron");
        assertNotSame(worker.startup(), cron.startup());
        assertEquals("cron", cron.startup().sessionParameters().get("application_name"));
    }

    @Test
    void theDatabaseDefaultsToTheUser() {
        assertEquals("bob", parse("user", "bob").startup().database());
    }

    @Test
    void protocolOptionsAreListedAndNotApplied() {
        StartupCache.Parsed parsed = parse("user", "alice", "_pq_.compression", "on", "application_name", "a");
        assertEquals(List.of("_pq_.compression"), parsed.unsupportedOptions());
        assertEquals(Map.of("application_name", "a"), parsed.startup().sessionParameters());
    }

    @Test
    void aStartupWithoutUserIsRefusedEveryTime() {
        assertNull(parse("database", "app"));
        assertNull(parse("database", "app"));
        assertNull(parse("user", "", "database", "app"));
    }

    @Test
    void unreadableOptionsAreAProtocolViolation() {
        assertThrows(ProtocolViolation.class, () -> parse("user", "alice", "options", "-x"));
        assertThrows(ProtocolViolation.class, () -> parse("user", "alice", "options", "-x"));
    }
}
