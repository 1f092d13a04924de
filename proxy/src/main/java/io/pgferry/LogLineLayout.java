package io.pgferry;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The text log line: {@code 2026-11-29T18:18:09.071Z INFO  [main] Proxy: message}, then the stack trace of an
 * exception logged with it; the line logback's pattern {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread]
 * %logger{0}: %msg%n} gives. That pattern runs a chain of converters and formats the date again for every new
 * millisecond; under connect-per-request load, with two lines per connection, it took 5 % of pgferry's user-space
 * time (loadtest/INVESTIGATIONS.md). Here the date, time and offset are formatted once a second. Control characters
 * in the message are escaped, so every line is one line. Thread-safe: appenders encode outside their lock.
 */
public final class LogLineLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX");
    private static final int LEVEL_WIDTH = 5;

    private final ZoneId zone;
    private volatile Second cached = new Second(Long.MIN_VALUE, "", "");

    /** One second's formatted date and time, and the zone's offset then. */
    private record Second(long epochSecond, String dateTime, String offset) {
    }

    public LogLineLayout() {
        this(ZoneId.systemDefault());
    }

    LogLineLayout(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        long millis = event.getTimeStamp();
        Second second = second(Math.floorDiv(millis, 1000));
        int milli = (int) Math.floorMod(millis, 1000);
        // A null message prints as "null", as the pattern's %msg does.
        String message = String.valueOf(event.getFormattedMessage());
        StringBuilder line = new StringBuilder(64 + message.length());
        line.append(second.dateTime).append('.');
        if (milli < 100) {
            line.append(milli < 10 ? "00" : "0");
        }
        line.append(milli).append(second.offset).append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int pad = level.length(); pad < LEVEL_WIDTH; pad++) {
            line.append(' ');
        }
        String logger = event.getLoggerName();
        line.append(" [").append(event.getThreadName()).append("] ")
                .append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
        appendEscaped(line, message);
        line.append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            // Each line of the trace, the last one included, ends with a line separator.
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString();
    }

    /**
     * Messages carry client-supplied names (users, databases, application names): a control character in one is
     * written as an escape, so a user name holding a newline cannot forge a log line (issue 22.5).
     */
    static void appendEscaped(StringBuilder line, String message) {
        int from = 0;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c >= 0x20 && c != 0x7F && c != '\u2028' && c != '\u2029') {
                continue;
            }
            line.append(message, from, i);
            switch (c) {
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                default -> line.append(String.format("\\u%04x", (int) c));
            }
            from = i + 1;
        }
        line.append(message, from, message.length());
    }

    private Second second(long epochSecond) {
        Second second = cached;
        if (second.epochSecond != epochSecond) {
            var time = Instant.ofEpochSecond(epochSecond).atZone(zone);
            second = new Second(epochSecond, SECOND.format(time), OFFSET.format(time));
            cached = second;
        }
        return second;
    }
}
