package io.pgferry.loadtest.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact messages, and flights, each query method sends: what its round-trip count rests on. */
class QueryMethodTest {
    private static List<String> types(List<List<byte[]>> flights) {
        List<String> result = new ArrayList<>();
        for (List<byte[]> flight : flights) {
            StringBuilder flightTypes = new StringBuilder();
            for (byte[] message : flight) {
                assertEquals(message.length - 1, ByteBuffer.wrap(message, 1, 4).getInt(), "length field covers the body");
                flightTypes.append((char) message[0]);
            }
            result.add(flightTypes.toString());
        }
        return result;
    }

    @Test
    void flightsPerMethod() {
        assertEquals(List.of("Q"), types(QueryMethod.SIMPLE.flights()));
        assertEquals(List.of("PDS", "BES"), types(QueryMethod.QUERY.flights()), "two round trips, as postgres.js");
        assertEquals(List.of("PBES"), types(QueryMethod.PIPELINED.flights()));
        assertEquals(List.of("PBES"), types(QueryMethod.PREPARED.flights()));
    }

    @Test
    void pipelinedParseDeclaresItsParameterTypeAndPreparedNamesItsStatement() {
        ByteBuffer parse = ByteBuffer.wrap(QueryMethod.PIPELINED.flights().get(0).get(0));
        parse.position(5);
        assertEquals("", cString(parse), "unnamed statement");
        assertEquals(QueryMethod.SQL, cString(parse));
        assertEquals(1, parse.getShort());
        assertEquals(QueryMethod.BOOL_OID, parse.getInt());

        ByteBuffer named = ByteBuffer.wrap(QueryMethod.PREPARED.flights().get(0).get(0));
        named.position(5);
        assertEquals(QueryMethod.STATEMENT_NAME, cString(named));
        ByteBuffer bind = ByteBuffer.wrap(QueryMethod.PREPARED.flights().get(0).get(1));
        bind.position(5);
        assertEquals("", cString(bind), "unnamed portal");
        assertEquals(QueryMethod.STATEMENT_NAME, cString(bind));
        assertEquals(0, bind.getShort(), "parameters in text");
        assertEquals(1, bind.getShort());
        assertEquals(1, bind.getInt());
        assertEquals('f', bind.get());

        ByteBuffer untyped = ByteBuffer.wrap(QueryMethod.QUERY.flights().get(0).get(0));
        untyped.position(5);
        cString(untyped);
        cString(untyped);
        assertEquals(0, untyped.getShort(), "query leaves the type to the server, hence its Describe round trip");
    }

    @Test
    void startupAndSimpleQueryFraming() {
        byte[] startup = Wire.startup(java.util.Map.of("user", "u"));
        ByteBuffer buffer = ByteBuffer.wrap(startup);
        assertEquals(startup.length, buffer.getInt());
        assertEquals(196608, buffer.getInt(), "protocol 3.0");
        assertEquals("user", cString(buffer));
        assertEquals("u", cString(buffer));
        assertEquals(0, buffer.get());
        ByteBuffer query = ByteBuffer.wrap(QueryMethod.SIMPLE.flights().get(0).get(0));
        query.position(5);
        assertEquals(QueryMethod.LITERAL_SQL, cString(query));
    }

    private static String cString(ByteBuffer buffer) {
        int start = buffer.position();
        while (buffer.get() != 0) {
            // scan to the terminator
        }
        return new String(buffer.array(), start, buffer.position() - start - 1, StandardCharsets.UTF_8);
    }
}
