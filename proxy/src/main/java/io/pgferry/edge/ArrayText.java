package io.pgferry.edge;

import tools.jackson.core.JsonGenerator;

/**
 * A PostgreSQL array in text form ({@code {1,2}}, {@code {{"a b",NULL}}}, {@code [0:1]={x,y}}) written as nested
 * JSON arrays, each element typed as {@link ValueJson#scalar} types it. Comma-delimited types only (box, the one
 * built-in type with another delimiter, is not typed).
 */
final class ArrayText {
    private final String text;
    private final int elementType;
    private final JsonGenerator json;
    private int at;

    ArrayText(String text, int elementType, JsonGenerator json) {
        this.text = text;
        this.elementType = elementType;
        this.json = json;
    }

    void write() {
        int braces = text.indexOf('{');
        at = braces < 0 ? text.length() : braces;
        if (at >= text.length()) {
            json.writeString(text);
            return;
        }
        array();
    }

    /** At an opening brace: the array up to and past its closing brace. */
    private void array() {
        at++;
        json.writeStartArray();
        while (at < text.length() && text.charAt(at) != '}') {
            char c = text.charAt(at);
            if (c == ',') {
                at++;
            } else if (c == '{') {
                array();
            } else if (c == '"') {
                quoted();
            } else {
                unquoted();
            }
        }
        at++;
        json.writeEndArray();
    }

    private void quoted() {
        StringBuilder value = new StringBuilder();
        at++;
        while (at < text.length() && text.charAt(at) != '"') {
            char c = text.charAt(at++);
            value.append(c == '\\' && at < text.length() ? text.charAt(at++) : c);
        }
        at++;
        ValueJson.scalar(json, value.toString(), elementType);
    }

    private void unquoted() {
        int start = at;
        while (at < text.length() && text.charAt(at) != ',' && text.charAt(at) != '}') {
            at++;
        }
        String value = text.substring(start, at).trim();
        if (value.equals("NULL")) {
            json.writeNull();
        } else {
            ValueJson.scalar(json, value, elementType);
        }
    }
}
