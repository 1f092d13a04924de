package io.pgferry.edge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.Messages;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JsonGenerator;

/**
 * Writes the JSON of a SQL request's results as the server's replies arrive, in Neon's shape: per statement
 * {@code {"fields":[...],"rows":[...],"command":"SELECT","rowCount":2,"rowAsArray":true}}, a batch wrapped in
 * {@code {"results":[...]}}. Values stay text with {@code Neon-Raw-Text-Output}; otherwise {@link ValueJson}
 * types them. Stops writing rows once the output passes its cap, so an oversized result costs no more memory.
 * Owns its output buffer until {@link #finish} hands it over or {@link #discard} releases it.
 */
final class ResultJson {
    private final ByteBuf out;
    private final JsonGenerator json;
    private final boolean batch;
    private final boolean rawText;
    private final long maxBytes;
    private String[] names = new String[0];
    private int[] types = new int[0];
    private boolean arrayMode;
    private boolean tooLarge;

    ResultJson(ByteBuf out, boolean batch, boolean rawText, long maxBytes) {
        this.out = out;
        this.json = EdgeResponses.generator(out);
        this.batch = batch;
        this.rawText = rawText;
        this.maxBytes = maxBytes;
        if (batch) {
            json.writeStartObject();
            json.writeArrayPropertyStart("results");
        }
    }

    /** RowDescription ({@code null}: NoData) of the next statement, which returns rows as arrays or objects. */
    void fields(ByteBuf rowDescription, boolean asArrays) {
        arrayMode = asArrays;
        json.writeStartObject();
        json.writeArrayPropertyStart("fields");
        int count = rowDescription == null ? 0
                : rowDescription.getUnsignedShort(rowDescription.readerIndex() + Messages.BODY);
        names = new String[count];
        types = new int[count];
        int at = count == 0 ? 0 : rowDescription.readerIndex() + Messages.BODY + 2;
        for (int i = 0; i < count; i++) {
            int end = rowDescription.indexOf(at, rowDescription.writerIndex(), (byte) 0);
            names[i] = rowDescription.toString(at, end - at, StandardCharsets.UTF_8);
            at = end + 1;
            types[i] = rowDescription.getInt(at + 6);
            json.writeStartObject();
            json.writeStringProperty("name", names[i]);
            json.writeNumberProperty("dataTypeID", types[i]);
            json.writeNumberProperty("tableID", rowDescription.getInt(at));
            json.writeNumberProperty("columnID", rowDescription.getShort(at + 4));
            json.writeNumberProperty("dataTypeSize", rowDescription.getShort(at + 10));
            json.writeNumberProperty("dataTypeModifier", rowDescription.getInt(at + 12));
            json.writeStringProperty("format", "text");
            json.writeEndObject();
            at += 18;
        }
        json.writeEndArray();
        json.writeArrayPropertyStart("rows");
    }

    void row(ByteBuf dataRow) {
        if (tooLarge) {
            return;
        }
        int count = dataRow.getUnsignedShort(dataRow.readerIndex() + Messages.BODY);
        int at = dataRow.readerIndex() + Messages.BODY + 2;
        if (arrayMode) {
            json.writeStartArray();
        } else {
            json.writeStartObject();
        }
        for (int i = 0; i < count; i++) {
            int length = dataRow.getInt(at);
            at += 4;
            if (!arrayMode) {
                json.writeName(i < names.length ? names[i] : "?column?");
            }
            if (length < 0) {
                json.writeNull();
            } else {
                ValueJson.write(json, dataRow, at, length, i < types.length ? types[i] : 0, rawText);
                at += length;
            }
        }
        if (arrayMode) {
            json.writeEndArray();
        } else {
            json.writeEndObject();
        }
        tooLarge = out.writerIndex() + json.streamWriteOutputBuffered() > maxBytes;
    }

    /** A cached result: its RowDescription, then its DataRows and CommandComplete, as the server sent them. */
    void replay(byte[] rowDescription, byte[] rows, boolean asArrays) {
        fields(Unpooled.wrappedBuffer(rowDescription), asArrays);
        ByteBuf messages = Unpooled.wrappedBuffer(rows);
        while (messages.isReadable()) {
            ByteBuf message = messages.readSlice(1 + messages.getInt(messages.readerIndex() + 1));
            if (Messages.type(message) == BackendTag.DATA_ROW) {
                row(message);
            } else {
                complete(message);
            }
        }
    }

    /** CommandComplete ({@code null}: EmptyQueryResponse) ends the current statement. */
    void complete(ByteBuf commandComplete) {
        json.writeEndArray();
        String tag = commandComplete == null ? "" : Messages.cString(commandComplete, commandComplete.readerIndex() + Messages.BODY);
        int space = tag.indexOf(' ');
        String command = space < 0 ? tag : tag.substring(0, space);
        String last = tag.substring(tag.lastIndexOf(' ') + 1);
        json.writeStringProperty("command", command.isEmpty() ? null : command);
        if (space > 0 && !last.isEmpty() && last.chars().allMatch(Character::isDigit)) {
            json.writeNumberProperty("rowCount", Long.parseLong(last));
        } else {
            json.writeNullProperty("rowCount");
        }
        json.writeBooleanProperty("rowAsArray", arrayMode);
        json.writeEndObject();
    }

    /** Whether the output passed its cap: the client gets 507 instead. */
    boolean tooLarge() {
        return tooLarge || out.writerIndex() + json.streamWriteOutputBuffered() > maxBytes;
    }

    /** The finished JSON; the caller owns it. */
    ByteBuf finish() {
        if (batch) {
            json.writeEndArray();
            json.writeEndObject();
        }
        json.close();
        return out;
    }

    void discard() {
        json.close();
        out.release();
    }
}
