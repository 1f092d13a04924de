package io.pgferry.edge;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JsonGenerator;

/**
 * One text-format column value as Neon writes it. With raw text output every value is a JSON string, written
 * from its UTF-8 bytes without decoding them. Otherwise bool becomes a JSON boolean, int2, int4 and finite
 * float4/float8 numbers, json and jsonb are embedded as they are, arrays of those become JSON arrays, and every
 * other type (int8 and numeric included, which JSON numbers cannot hold exactly) stays a string.
 */
final class ValueJson {
    private static final int BOOL = 16;
    private static final int INT2 = 21;
    private static final int INT4 = 23;
    private static final int JSON = 114;
    private static final int FLOAT4 = 700;
    private static final int FLOAT8 = 701;
    private static final int JSONB = 3802;

    private ValueJson() {
    }

    static void write(JsonGenerator json, ByteBuf row, int at, int length, int type, boolean rawText) {
        int elementType = rawText ? 0 : elementTypeOf(type);
        if (rawText || elementType == 0 && !isTyped(type)) {
            if (row.hasArray()) {
                json.writeUTF8String(row.array(), row.arrayOffset() + at, length);
            } else {
                byte[] bytes = new byte[length];
                row.getBytes(at, bytes);
                json.writeUTF8String(bytes, 0, length);
            }
            return;
        }
        String text = row.toString(at, length, StandardCharsets.UTF_8);
        if (elementType != 0) {
            new ArrayText(text, elementType, json).write();
        } else {
            scalar(json, text, type);
        }
    }

    /** Writes one value of {@code type} given as text (an array element, or a column value). */
    static void scalar(JsonGenerator json, String text, int type) {
        switch (type) {
            case BOOL -> json.writeBoolean(text.equals("t"));
            case INT2, INT4 -> json.writeNumber(text);
            case FLOAT4, FLOAT8 -> {
                if (text.equals("NaN") || text.endsWith("Infinity")) {
                    json.writeString(text);
                } else {
                    json.writeNumber(text);
                }
            }
            case JSON, JSONB -> json.writeRawValue(text);
            default -> json.writeString(text);
        }
    }

    private static boolean isTyped(int type) {
        return switch (type) {
            case BOOL, INT2, INT4, JSON, FLOAT4, FLOAT8, JSONB -> true;
            default -> false;
        };
    }

    /** The element type of an array type pgferry writes as a JSON array; 0 for anything else. */
    private static int elementTypeOf(int type) {
        return switch (type) {
            case 1000 -> BOOL;
            case 1005 -> INT2;
            case 1007 -> INT4;
            case 199 -> JSON;
            case 1021 -> FLOAT4;
            case 1022 -> FLOAT8;
            case 3807 -> JSONB;
            // text, varchar, bpchar, int8, numeric, date, timestamp, timestamptz, uuid: arrays of strings
            case 1009, 1015, 1014, 1016, 1231, 1182, 1115, 1185, 2951 -> 25;
            default -> 0;
        };
    }
}
