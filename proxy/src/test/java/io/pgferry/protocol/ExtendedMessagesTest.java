package io.pgferry.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExtendedMessagesTest {
    private static final ByteBufAllocator ALLOCATOR = UnpooledByteBufAllocator.DEFAULT;

    /** Query text, its NUL, then a parameter count of one and the type int4 (23). */
    private static byte[] queryAndTypes(String query) {
        byte[] text = query.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[text.length + 1 + 2 + 4];
        System.arraycopy(text, 0, bytes, 0, text.length);
        bytes[text.length + 2] = 1;
        bytes[bytes.length - 1] = 23;
        return bytes;
    }

    @Test
    void parseCarriesTheQueryAndTypesItWasBuiltFrom() {
        byte[] stored = queryAndTypes("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
        ByteBuf parse = ExtendedMessages.parse(ALLOCATOR, new byte[0], stored);
        try {
            assertArrayEquals(stored, ExtendedMessages.queryAndTypes(parse, ExtendedMessages.parseQueryStart(parse)));
            assertTrue(ExtendedMessages.hasQueryAndTypes(parse, ExtendedMessages.parseQueryStart(parse), stored));
        } finally {
            parse.release();
        }
    }

    @Test
    void differencesAnywhereAreSeen() {
        byte[] stored = queryAndTypes("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
        for (int at = 0; at < stored.length; at++) {
            byte[] other = stored.clone();
            other[at] ^= 0x20;
            ByteBuf parse = ExtendedMessages.parse(ALLOCATOR, "s1".getBytes(StandardCharsets.US_ASCII), other);
            try {
                assertFalse(ExtendedMessages.hasQueryAndTypes(parse, ExtendedMessages.parseQueryStart(parse), stored),
                        "byte " + at);
            } finally {
                parse.release();
            }
        }
    }

    @Test
    void aLongerOrShorterTextDiffers() {
        byte[] stored = queryAndTypes("SELECT 1");
        for (String query : new String[] {"SELECT 12", "SELECT ", ""}) {
            ByteBuf parse = ExtendedMessages.parse(ALLOCATOR, new byte[0], queryAndTypes(query));
            try {
                assertFalse(ExtendedMessages.hasQueryAndTypes(parse, ExtendedMessages.parseQueryStart(parse), stored),
                        query);
            } finally {
                parse.release();
            }
        }
    }
}
