package io.pgferry.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writers produce exactly the bytes the protocol reference specifies. */
class BackendMessagesTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static byte[] bytes(ByteBuf buffer) {
        try {
            return ByteBufUtil.getBytes(buffer);
        } finally {
            buffer.release();
        }
    }

    @Test
    void readyForQuery() {
        assertArrayEquals(new byte[] {'Z', 0, 0, 0, 5, 'I'}, bytes(BackendMessages.readyForQuery(ALLOC, (byte) 'I')));
    }

    @Test
    void loginGreetingIsTheSameBytesAsItsMessagesOneByOne() {
        ByteBuf expected = ALLOC.buffer();
        for (ByteBuf part : List.of(BackendMessages.parameterStatus(ALLOC, "TimeZone", "UTC"),
                BackendMessages.parameterStatus(ALLOC, "application_name", ""),
                BackendMessages.backendKeyData(ALLOC, 7, -2), BackendMessages.readyForQuery(ALLOC, (byte) 'I'))) {
            expected.writeBytes(part);
            part.release();
        }
        byte[] statuses = BackendMessages.parameterStatuses(ALLOC,
                List.of(new ParameterStatus("TimeZone", "UTC"), new ParameterStatus("application_name", "")));
        assertArrayEquals(bytes(expected), bytes(BackendMessages.loginGreeting(ALLOC, statuses, 7, -2)));
    }

    @Test
    void loginGreetingWithoutParameterStatuses() {
        byte[] none = BackendMessages.parameterStatuses(ALLOC, List.of());
        assertEquals(0, none.length);
        assertArrayEquals(new byte[] {'K', 0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 2, 'Z', 0, 0, 0, 5, 'I'},
                bytes(BackendMessages.loginGreeting(ALLOC, none, 1, 2)));
    }

    @Test
    void commandTagIsComparedWithoutDecoding() {
        ByteBuf discardAll = BackendMessages.commandComplete(ALLOC, "DISCARD ALL");
        ByteBuf select = BackendMessages.commandComplete(ALLOC, "SELECT 1");
        try {
            assertTrue(Messages.commandTagIs(discardAll, "DISCARD ALL"));
            assertFalse(Messages.commandTagIs(discardAll, "DEALLOCATE ALL"));
            assertFalse(Messages.commandTagIs(select, "DISCARD ALL"));
            assertFalse(Messages.commandTagIs(select, "SELECT 2"));
        } finally {
            discardAll.release();
            select.release();
        }
    }

    @Test
    void authenticationOkAndMd5() {
        assertArrayEquals(new byte[] {'R', 0, 0, 0, 8, 0, 0, 0, 0}, bytes(BackendMessages.authenticationOk(ALLOC)));
        assertArrayEquals(new byte[] {'R', 0, 0, 0, 12, 0, 0, 0, 5, 1, 2, 3, 4},
                bytes(BackendMessages.authenticationMd5Password(ALLOC, new byte[] {1, 2, 3, 4})));
    }

    @Test
    void saslListsMechanismsWithATerminator() {
        byte[] expected = {'R', 0, 0, 0, 23, 0, 0, 0, 10, 'S', 'C', 'R', 'A', 'M', '-', 'S', 'H', 'A', '-', '2', '5', '6', 0, 0};
        assertArrayEquals(expected, bytes(BackendMessages.authenticationSasl(ALLOC, List.of("SCRAM-SHA-256"))));
    }

    @Test
    void backendKeyDataAndParameterStatus() {
        assertArrayEquals(new byte[] {'K', 0, 0, 0, 12, 0, 0, 0, 7, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFE},
                bytes(BackendMessages.backendKeyData(ALLOC, 7, -2)));
        assertArrayEquals(new byte[] {'S', 0, 0, 0, 8, 'a', 0, 'b', 0},
                bytes(BackendMessages.parameterStatus(ALLOC, "a", "b")));
    }

    @Test
    void errorResponseRoundTripsThroughTheReader() {
        ByteBuf error = BackendMessages.errorResponse(ALLOC, "FATAL", "28P01", "no");
        try {
            assertEquals(new ErrorFields("FATAL", "28P01", "no"), ErrorFields.read(error));
        } finally {
            error.release();
        }
    }

    @Test
    void anErrorAfterWhichTheSessionEndsReadsAsFatal() {
        ByteBuf error = BackendMessages.errorResponse(ALLOC, "ERROR", "22023", "invalid value for parameter");
        ByteBuf localized = MessageWriter.typed(ALLOC, BackendTag.ERROR_RESPONSE).byte1('S').cString("FEHLER")
                .byte1('V').cString("ERROR").byte1('C').cString("22023").byte1('M').cString("ERROR").byte1(0).finish();
        try {
            assertEquals(new ErrorFields("FATAL", "22023", "invalid value for parameter"),
                    ErrorFields.read(ErrorFields.escalateToFatal(error)));
            assertEquals("SFATAL", error.toString(Messages.BODY, 6, StandardCharsets.US_ASCII));
            assertEquals(new ErrorFields("FATAL", "22023", "ERROR"), ErrorFields.read(ErrorFields.escalateToFatal(localized)),
                    "only the severity fields change");
            assertEquals("SFEHLER", localized.toString(Messages.BODY, 7, StandardCharsets.US_ASCII));
        } finally {
            error.release();
            localized.release();
        }
    }

    @Test
    void negotiateProtocolVersion() {
        assertArrayEquals(new byte[] {'v', 0, 0, 0, 15, 0, 0, 0, 0, 0, 0, 0, 1, '_', 'x', 0},
                bytes(BackendMessages.negotiateProtocolVersion(ALLOC, 0, List.of("_x"))));
    }
}
