package io.pgferry.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.pgferry.protocol.BackendMessages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultJsonTest {
    private static final ByteBufAllocator ALLOCATOR = ByteBufAllocator.DEFAULT;

    /** RowDescription of {@code names} with the given type oids. */
    private static ByteBuf description(List<String> names, int... types) {
        ByteBuf message = Unpooled.buffer().writeByte('T').writeInt(0).writeShort(names.size());
        for (int i = 0; i < names.size(); i++) {
            message.writeCharSequence(names.get(i), StandardCharsets.UTF_8);
            message.writeByte(0).writeInt(16384).writeShort(i + 1).writeInt(types[i]).writeShort(-1).writeInt(-1)
                    .writeShort(0);
        }
        return message.setInt(1, message.writerIndex() - 1);
    }

    private static String run(boolean rawText, boolean arrayMode, ByteBuf description, List<List<String>> rows,
                              String tag) {
        ResultJson json = new ResultJson(ALLOCATOR.buffer(), false, rawText, 1 << 20);
        json.fields(description, arrayMode);
        description.release();
        for (List<String> row : rows) {
            ByteBuf dataRow = BackendMessages.dataRow(ALLOCATOR, row);
            json.row(dataRow);
            dataRow.release();
        }
        ByteBuf complete = BackendMessages.commandComplete(ALLOCATOR, tag);
        json.complete(complete);
        complete.release();
        ByteBuf out = json.finish();
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    @Test
    void typedValuesBecomeJsonTypesAndTheRestStaysText() {
        String json = run(false, false, description(List.of("b", "i", "f", "nan", "j", "ints", "texts", "big"),
                        16, 23, 701, 701, 3802, 1007, 1009, 20),
                List.of(Arrays.asList("t", "-4", "1.5", "NaN", "{\"a\": [1]}", "{1,NULL,3}", "{\"x,y\",\"q\\\"\",z}",
                        "9007199254740993")), "SELECT 1");
        assertTrue(json.contains("\"rows\":[{\"b\":true,\"i\":-4,\"f\":1.5,\"nan\":\"NaN\",\"j\":{\"a\": [1]},"
                + "\"ints\":[1,null,3],\"texts\":[\"x,y\",\"q\\\"\",\"z\"],\"big\":\"9007199254740993\"}]"), json);
        assertTrue(json.startsWith("{\"fields\":[{\"name\":\"b\",\"dataTypeID\":16,\"tableID\":16384,\"columnID\":1,"
                + "\"dataTypeSize\":-1,\"dataTypeModifier\":-1,\"format\":\"text\"}"), json);
        assertTrue(json.endsWith("\"command\":\"SELECT\",\"rowCount\":1,\"rowAsArray\":false}"), json);
    }

    @Test
    void rawTextKeepsEveryValueAStringAndArrayModeRowsAreArrays() {
        String json = run(true, true, description(List.of("b", "n"), 16, 23),
                List.of(Arrays.asList("t", null), Arrays.asList("f", "2")), "INSERT 0 2");
        assertTrue(json.contains("\"rows\":[[\"t\",null],[\"f\",\"2\"]],\"command\":\"INSERT\",\"rowCount\":2,"
                + "\"rowAsArray\":true}"), json);
    }

    @Test
    void aCommandWithoutACountHasANullRowCountAndAnOversizedResultIsFlagged() {
        ResultJson json = new ResultJson(ALLOCATOR.buffer(), true, true, 64);
        json.fields(null, true);
        ByteBuf complete = BackendMessages.commandComplete(ALLOCATOR, "CREATE TABLE");
        json.complete(complete);
        complete.release();
        ByteBuf out = json.finish();
        assertEquals("{\"results\":[{\"fields\":[],\"rows\":[],\"command\":\"CREATE\",\"rowCount\":null,"
                + "\"rowAsArray\":true}]}", out.toString(StandardCharsets.UTF_8));
        out.release();

        ResultJson capped = new ResultJson(ALLOCATOR.buffer(), false, true, 64);
        capped.fields(description(List.of("t"), 25), true);
        ByteBuf row = BackendMessages.dataRow(ALLOCATOR, List.of("x".repeat(100)));
        capped.row(row);
        row.release();
        assertTrue(capped.tooLarge());
        capped.discard();
    }
}
