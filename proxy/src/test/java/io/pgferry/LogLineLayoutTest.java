package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast layout writes exactly the line logback's pattern would, in any zone, exceptions included. */
class LogLineLayoutTest {
    private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, ZONE} %-5level [%thread] %logger{0}: %msg%n";

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Asia/Kolkata", "America/New_York"})
    void writesWhatThePatternWrites(String zoneName) {
        LoggerContext context = new LoggerContext();
        PatternLayout reference = new PatternLayout();
        reference.setContext(context);
        reference.setPattern(PATTERN.replace("ZONE", zoneName));
        reference.start();
        LogLineLayout layout = new LogLineLayout(ZoneId.of(zoneName));
        Logger logger = context.getLogger("io.pgferry.frontend.ClientLogin");
        // Same second twice (the cache), a new second, millis under 10 and 100, a DST change, each level.
        long[] times = {1_764_440_289_071L, 1_764_440_289_999L, 1_764_440_290_005L, 1_764_440_290_050L,
                1_772_953_200_000L, 1_772_953_199_999L, 0L};
        Level[] levels = {Level.INFO, Level.WARN, Level.ERROR, Level.DEBUG, Level.TRACE, Level.INFO, Level.WARN};
        for (int i = 0; i < times.length; i++) {
            Throwable thrown = i == 2 ? new IllegalStateException("server gone", new RuntimeException("cause")) : null;
            LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, levels[i], "client {} logged in: user {}",
                    thrown, new Object[]{"/127.0.0.1:54216", "bench"});
            event.setTimeStamp(times[i]);
            event.setThreadName("pgferry-io-1-1");
            assertEquals(reference.doLayout(event), layout.doLayout(event), "event " + i);
        }
        LoggingEvent withoutMessage = new LoggingEvent(Logger.FQCN, logger, Level.INFO, null, null, null);
        withoutMessage.setTimeStamp(times[0]);
        withoutMessage.setThreadName("main");
        assertEquals(reference.doLayout(withoutMessage), layout.doLayout(withoutMessage), "a null message");
    }

    /** Issue 22.5: a client-supplied name with a newline cannot forge a line, in either log format. */
    @Test
    void controlCharactersInAMessageCannotStartANewLine() {
        LoggerContext context = new LoggerContext();
        Logger logger = context.getLogger("io.pgferry.frontend.ClientLogin");
        LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, Level.INFO, "client logged in: user {}", null,
                new Object[]{"eve\n2026-12-07T00:00:00.000Z INFO  [main] Proxy: admin logged in\r\u0007"});
        event.setTimeStamp(1_764_440_289_071L);
        event.setThreadName("pgferry-io-1-1");
        String text = new LogLineLayout(ZoneId.of("UTC")).doLayout(event);
        assertEquals(1, text.split("\n", -1).length - 1, text);
        assertTrue(text.endsWith("user eve\\n2026-12-07T00:00:00.000Z INFO  [main] Proxy: admin logged in\\r\\u0007\n"),
                text);
        event.setMDCPropertyMap(java.util.Map.of());
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.start();
        String encoded = new String(json.encode(event), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, encoded.split("\n", -1).length - 1, encoded);
    }
}
