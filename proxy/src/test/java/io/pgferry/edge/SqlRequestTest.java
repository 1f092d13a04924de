package io.pgferry.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlRequestTest {

    private static SqlRequest parse(String body, String... headers) {
        HttpHeaders httpHeaders = new DefaultHttpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            httpHeaders.set(headers[i], headers[i + 1]);
        }
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        try {
            return SqlRequest.parse(content, httpHeaders);
        } finally {
            content.release();
        }
    }

    @Test
    void aSingleQueryWithEveryKindOfParameter() {
        SqlRequest request = parse("{\"query\":\"select $1\",\"params\":[\"s\",null,12,1.5,true,[1,\"a b\",null,[2]],"
                + "{\"k\":[1]}],\"unknown\":{\"skipped\":true}}", "Neon-Array-Mode", "true");
        assertFalse(request.batch());
        assertTrue(request.arrayMode());
        assertFalse(request.rawText());
        SqlRequest.Statement statement = request.statements().get(0);
        assertEquals("select $1", statement.query());
        assertEquals(Arrays.asList("s", null, "12", "1.5", "true", "{\"1\",\"a b\",NULL,{\"2\"}}", "{\"k\":[1]}"),
                statement.params());
    }

    @Test
    void aBatchRunsInOneTransactionShapedByTheHeaders() {
        SqlRequest request = parse("{\"queries\":[{\"query\":\"select 1\"},{\"query\":\"select $1\",\"params\":[\"x\"],"
                + "\"arrayMode\":true}]}", "Neon-Batch-Isolation-Level", "RepeatableRead", "Neon-Batch-Read-Only",
                "true", "Neon-Batch-Deferrable", "true");
        assertTrue(request.batch());
        assertEquals("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY DEFERRABLE", request.begin());
        assertEquals(2, request.statements().size());
        assertFalse(request.statements().get(0).arrayMode());
        assertTrue(request.statements().get(1).arrayMode());
        assertEquals("BEGIN", parse("{\"queries\":[]}").begin());
        assertNull(parse("{\"query\":\"select 1\"}").begin());
    }

    @Test
    void malformedBodiesAreRefusedWithAReason() {
        Map<String, String> refusals = Map.of(
                "{\"query\":", "malformed JSON body",
                "[]", "the body must be a JSON object",
                "{}", "the body has neither \"query\" nor \"queries\"",
                "{\"query\":1}", "\"query\" must be a string",
                "{\"query\":\"x\",\"params\":{}}", "\"params\" must be an array",
                "{\"queries\":[{\"params\":[]}]}", "a statement of \"queries\" has no \"query\"",
                "{\"query\":\"select '\\u0000'\"}", "invalid byte sequence for encoding \"UTF8\": 0x00");
        refusals.forEach((body, reason) -> assertTrue(assertThrows(IllegalArgumentException.class,
                () -> parse(body)).getMessage().startsWith(reason), body));
        assertThrows(IllegalArgumentException.class, () -> parse("{\"queries\":[]}",
                "Neon-Batch-Isolation-Level", "Chaos"));
    }

    @Test
    void connectionStringsAreDecodedAndLibpqOptionsDropped() {
        NeonConnectionString parsed = NeonConnectionString.parse("postgresql://al%40ce:p%3As%2Bw@host.example/app"
                + "?sslmode=require&application_name=pkg%3Anpm&options=-c%20search_path%3Dx%20--work-mem%3D8MB");
        assertEquals("al@ce", parsed.user());
        assertEquals("p:s+w", parsed.password());
        assertEquals("app", parsed.database());
        assertEquals(Map.of("application_name", "pkg:npm", "search_path", "x", "work_mem", "8MB"),
                parsed.parameters());
        assertFalse(parsed.toString().contains("p:s+w"), "the password stays out of logs");
        for (String bad : List.of("mysql://u:p@h/db", "postgresql://h/db", "postgresql://u:p@h/",
                "postgresql://u:p@h/db?bad%20name=1", "postgresql://u:p@h/db%zz")) {
            assertThrows(IllegalArgumentException.class, () -> NeonConnectionString.parse(bad), bad);
        }
    }
}
