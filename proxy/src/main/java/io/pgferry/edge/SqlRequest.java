package io.pgferry.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.InputStream;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;

/**
 * A {@code POST /sql} body, {@code {"query": ..., "params": [...]}} or {@code {"queries": [...]}} (a batch, run as
 * one transaction), with the Neon headers that shape it. Parameters are sent as text: strings as they are, numbers
 * and booleans as their JSON text, arrays as PostgreSQL array literals, objects as JSON.
 *
 * @param begin the statement that opens a batch's transaction, with the isolation and access the headers asked
 */
record SqlRequest(List<Statement> statements, boolean batch, String begin, boolean rawText, boolean arrayMode) {

    /** One statement: its text, its parameters ({@code null} entries are SQL NULL), and its own array mode. */
    record Statement(String query, List<String> params, boolean arrayMode) {
    }

    static SqlRequest parse(ByteBuf body, HttpHeaders headers) {
        boolean arrayMode = isTrue(headers.get("Neon-Array-Mode"));
        boolean rawText = isTrue(headers.get("Neon-Raw-Text-Output"));
        Queries batch = new Queries();
        List<Statement> statements;
        try (JsonParser json = EdgeResponses.JSON.createParser(ObjectReadContext.empty(),
                (InputStream) new ByteBufInputStream(body))) {
            expect(json.nextToken(), JsonToken.START_OBJECT, "the body must be a JSON object");
            Statement single = object(json, arrayMode, batch);
            if (!batch.present && single == null) {
                throw new IllegalArgumentException("the body has neither \"query\" nor \"queries\"");
            }
            statements = batch.present ? batch.statements : List.of(single);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("malformed JSON body: " + e.getOriginalMessage());
        }
        return new SqlRequest(List.copyOf(statements), batch.present, batch.present ? begin(headers) : null, rawText,
                arrayMode);
    }

    /** The {@code "queries"} of a batch, once the body has them. */
    private static final class Queries {
        final List<Statement> statements = new ArrayList<>();
        boolean present;
    }

    /**
     * Reads a statement object's properties ({@code null} if it has no query); at the top level ({@code batch}
     * given) also {@code "queries"}, whose statements are added to it.
     */
    private static Statement object(JsonParser json, boolean defaultArrayMode, Queries batch) {
        String query = null;
        List<String> params = List.of();
        boolean arrayMode = defaultArrayMode;
        while (json.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = json.currentName();
            json.nextToken();
            switch (name) {
                case "query" -> query = text(json, "query");
                case "params" -> params = params(json);
                case "arrayMode" -> arrayMode = json.currentToken() == JsonToken.VALUE_TRUE;
                case "queries" -> {
                    if (batch == null) {
                        json.skipChildren();
                    } else {
                        batch.present = true;
                        expect(json.currentToken(), JsonToken.START_ARRAY, "\"queries\" must be an array");
                        while (json.nextToken() == JsonToken.START_OBJECT) {
                            Statement statement = object(json, defaultArrayMode, null);
                            if (statement == null) {
                                throw new IllegalArgumentException("a statement of \"queries\" has no \"query\"");
                            }
                            batch.statements.add(statement);
                        }
                    }
                }
                default -> json.skipChildren();
            }
        }
        return query == null ? null : new Statement(query, params, arrayMode);
    }

    private static String text(JsonParser json, String what) {
        expect(json.currentToken(), JsonToken.VALUE_STRING, "\"" + what + "\" must be a string");
        return noNul(json.getString());
    }

    private static List<String> params(JsonParser json) {
        if (json.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(json.currentToken(), JsonToken.START_ARRAY, "\"params\" must be an array");
        List<String> params = new ArrayList<>();
        while (json.nextToken() != JsonToken.END_ARRAY) {
            params.add(param(json));
        }
        return params;
    }

    private static String param(JsonParser json) {
        return switch (json.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> noNul(json.getString());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> json.getText();
            case START_ARRAY -> noNul(arrayLiteral(json));
            default -> noNul(jsonText(json));
        };
    }

    /** A JSON array as a PostgreSQL array literal: {@code ["a", null, [1]]} is {@code {"a",NULL,{"1"}}}. */
    private static String arrayLiteral(JsonParser json) {
        StringBuilder literal = new StringBuilder("{");
        while (json.nextToken() != JsonToken.END_ARRAY) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            boolean nested = json.currentToken() == JsonToken.START_ARRAY;
            String element = nested ? arrayLiteral(json) : param(json);
            if (element == null) {
                literal.append("NULL");
            } else if (nested) {
                literal.append(element);
            } else {
                literal.append('"').append(element.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return literal.append('}').toString();
    }

    private static String jsonText(JsonParser json) {
        StringWriter text = new StringWriter();
        try (JsonGenerator copy = EdgeResponses.JSON.createGenerator(ObjectWriteContext.empty(), text)) {
            copy.copyCurrentStructure(json);
        }
        return text.toString();
    }

    /** The BEGIN of a batch, from Neon-Batch-Isolation-Level, Neon-Batch-Read-Only and Neon-Batch-Deferrable. */
    private static String begin(HttpHeaders headers) {
        StringBuilder begin = new StringBuilder("BEGIN");
        String isolation = headers.get("Neon-Batch-Isolation-Level");
        if (isolation != null) {
            begin.append(" ISOLATION LEVEL ").append(switch (isolation.toLowerCase(Locale.ROOT)) {
                case "readuncommitted" -> "READ UNCOMMITTED";
                case "readcommitted" -> "READ COMMITTED";
                case "repeatableread" -> "REPEATABLE READ";
                case "serializable" -> "SERIALIZABLE";
                default -> throw new IllegalArgumentException("Neon-Batch-Isolation-Level must be ReadUncommitted, "
                        + "ReadCommitted, RepeatableRead or Serializable, not " + isolation);
            });
        }
        if (isTrue(headers.get("Neon-Batch-Read-Only"))) {
            begin.append(" READ ONLY");
        }
        if (isTrue(headers.get("Neon-Batch-Deferrable"))) {
            begin.append(" DEFERRABLE");
        }
        return begin.toString();
    }

    private static boolean isTrue(String header) {
        return "true".equalsIgnoreCase(header);
    }

    private static void expect(JsonToken actual, JsonToken expected, String message) {
        if (actual != expected) {
            throw new IllegalArgumentException(message);
        }
    }

    /** PostgreSQL refuses a zero byte in text (22021); the protocol could not even carry it. */
    private static String noNul(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid byte sequence for encoding \"UTF8\": 0x00");
        }
        return text;
    }
}
