package io.pgferry.loadtest.edge;

import java.util.List;
import java.util.Locale;

/**
 * How a worker sends its one parameterized query, as the drivers people use do. Each method is a list of
 * flights: messages written together, then read until ReadyForQuery. Flights are what cost round trips.
 */
public enum QueryMethod {
    /** The literal inlined into a simple Query: one flight. */
    SIMPLE,
    /** Parse+Describe+Sync, then Bind+Execute+Sync: two flights, as tokio-postgres and postgres.js do. */
    QUERY,
    /** Parse with explicit parameter types, Bind, Execute, Sync: one flight. */
    PIPELINED,
    /** The same with a named statement, as drivers that cache prepared statements send it on a new connection. */
    PREPARED;

    static final String SQL = "SELECT id, title, completed FROM todos WHERE completed = $1";
    static final String LITERAL_SQL = "SELECT id, title, completed FROM todos WHERE completed = false";
    static final int BOOL_OID = 16;
    static final String STATEMENT_NAME = "todos_by_completed";

    /** The messages of each flight of one request. */
    List<List<byte[]>> flights() {
        return switch (this) {
            case SIMPLE -> List.of(List.of(Wire.query(LITERAL_SQL)));
            case QUERY -> List.of(
                    List.of(Wire.parse("", SQL, new int[0]), Wire.describeStatement(""), Wire.sync()),
                    List.of(Wire.bind("", "f"), Wire.execute(), Wire.sync()));
            case PIPELINED -> List.of(List.of(Wire.parse("", SQL, new int[] {BOOL_OID}), Wire.bind("", "f"),
                    Wire.execute(), Wire.sync()));
            case PREPARED -> List.of(List.of(Wire.parse(STATEMENT_NAME, SQL, new int[] {BOOL_OID}),
                    Wire.bind(STATEMENT_NAME, "f"), Wire.execute(), Wire.sync()));
        };
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
