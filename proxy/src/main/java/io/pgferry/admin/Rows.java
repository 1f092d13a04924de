package io.pgferry.admin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Builds one result row of text values, as the console sends them. */
final class Rows {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z").withZone(ZoneOffset.UTC);

    private final List<String> values = new ArrayList<>();

    Rows add(Object value) {
        values.add(value == null ? null : value.toString());
        return this;
    }

    List<String> done() {
        return values;
    }

    /** A wall-clock time as PgBouncer prints it in SHOW CLIENTS and SHOW SERVERS. */
    static String timestamp(long epochMillis) {
        return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
    }
}
