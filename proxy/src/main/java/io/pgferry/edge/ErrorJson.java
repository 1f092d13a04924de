package io.pgferry.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgferry.protocol.Messages;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import tools.jackson.core.JsonGenerator;

/**
 * A server's ErrorResponse as Neon's error JSON: every field PostgreSQL may send under the name the driver's
 * {@code NeonDbError} reads, {@code null} where the error has none.
 */
final class ErrorJson {
    private static final Map<String, Character> FIELD_CODES = Map.ofEntries(Map.entry("severity", 'S'),
            Map.entry("detail", 'D'), Map.entry("hint", 'H'), Map.entry("position", 'P'),
            Map.entry("internalPosition", 'p'), Map.entry("internalQuery", 'q'), Map.entry("where", 'W'),
            Map.entry("schema", 's'), Map.entry("table", 't'), Map.entry("column", 'c'), Map.entry("dataType", 'd'),
            Map.entry("constraint", 'n'), Map.entry("file", 'F'), Map.entry("line", 'L'), Map.entry("routine", 'R'));

    private ErrorJson() {
    }

    /** The JSON body for {@code errorResponse}, which the caller still owns. */
    static ByteBuf of(ByteBufAllocator allocator, ByteBuf errorResponse) {
        Map<Character, String> fields = fields(errorResponse);
        ByteBuf body = allocator.buffer(256);
        try (JsonGenerator json = EdgeResponses.generator(body)) {
            json.writeStartObject();
            json.writeStringProperty("message", fields.get('M'));
            json.writeStringProperty("code", fields.get('C'));
            for (String key : EdgeResponses.ERROR_KEYS) {
                json.writeStringProperty(key, fields.get(FIELD_CODES.get(key)));
            }
            json.writeEndObject();
        }
        return body;
    }

    /** The SQLSTATE of {@code errorResponse}. */
    static String code(ByteBuf errorResponse) {
        return fields(errorResponse).get('C');
    }

    private static Map<Character, String> fields(ByteBuf errorResponse) {
        Map<Character, String> fields = new HashMap<>();
        int at = errorResponse.readerIndex() + Messages.BODY;
        int end = errorResponse.writerIndex();
        while (at < end && errorResponse.getByte(at) != 0) {
            char code = (char) errorResponse.getByte(at);
            int zero = errorResponse.indexOf(at + 1, end, (byte) 0);
            if (zero < 0) {
                break;
            }
            fields.put(code, errorResponse.toString(at + 1, zero - at - 1, StandardCharsets.UTF_8));
            at = zero + 1;
        }
        return fields;
    }
}
