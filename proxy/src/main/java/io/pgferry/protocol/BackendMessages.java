package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writers for the server-side messages pgferry synthesizes for its clients. Each returns a new buffer. */
public final class BackendMessages {
    private BackendMessages() {
    }

    public static ByteBuf authenticationOk(ByteBufAllocator allocator) {
        return authentication(allocator, BackendTag.AUTH_OK).finish();
    }

    public static ByteBuf authenticationCleartextPassword(ByteBufAllocator allocator) {
        return authentication(allocator, BackendTag.AUTH_CLEARTEXT_PASSWORD).finish();
    }

    public static ByteBuf authenticationMd5Password(ByteBufAllocator allocator, byte[] salt) {
        return authentication(allocator, BackendTag.AUTH_MD5_PASSWORD).bytes(salt).finish();
    }

    public static ByteBuf authenticationSasl(ByteBufAllocator allocator, List<String> mechanisms) {
        MessageWriter writer = authentication(allocator, BackendTag.AUTH_SASL);
        mechanisms.forEach(writer::cString);
        return writer.byte1(0).finish();
    }

    public static ByteBuf authenticationSaslContinue(ByteBufAllocator allocator, String data) {
        return authentication(allocator, BackendTag.AUTH_SASL_CONTINUE)
                .bytes(data.getBytes(StandardCharsets.UTF_8)).finish();
    }

    public static ByteBuf authenticationSaslFinal(ByteBufAllocator allocator, String data) {
        return authentication(allocator, BackendTag.AUTH_SASL_FINAL)
                .bytes(data.getBytes(StandardCharsets.UTF_8)).finish();
    }

    private static MessageWriter authentication(ByteBufAllocator allocator, int code) {
        return MessageWriter.typed(allocator, BackendTag.AUTHENTICATION).int32(code);
    }

    public static ByteBuf parameterStatus(ByteBufAllocator allocator, String name, String value) {
        return MessageWriter.typed(allocator, BackendTag.PARAMETER_STATUS).cString(name).cString(value).finish();
    }

    /** ParameterStatus messages back to back, as bytes: the part of a login greeting that clients share. */
    public static byte[] parameterStatuses(ByteBufAllocator allocator, List<ParameterStatus> parameters) {
        if (parameters.isEmpty()) {
            return new byte[0];
        }
        MessageWriter writer = MessageWriter.empty(allocator);
        for (ParameterStatus parameter : parameters) {
            writer = writer.then(BackendTag.PARAMETER_STATUS).cString(parameter.name()).cString(parameter.value());
        }
        ByteBuf messages = writer.finish();
        try {
            return ByteBufUtil.getBytes(messages);
        } finally {
            messages.release();
        }
    }

    /** The end of a login in one buffer: the ParameterStatus messages, BackendKeyData, ReadyForQuery (idle). */
    public static ByteBuf loginGreeting(ByteBufAllocator allocator, byte[] parameterStatuses, int processId,
                                        int secretKey) {
        // BackendKeyData is 13 bytes and ReadyForQuery 6: sized once, the greeting is never copied to grow.
        ByteBuf greeting = allocator.buffer(parameterStatuses.length + 13 + 6).writeBytes(parameterStatuses);
        return MessageWriter.after(greeting).then(BackendTag.BACKEND_KEY_DATA).int32(processId).int32(secretKey)
                .then(BackendTag.READY_FOR_QUERY).byte1('I').finish();
    }

    public static ByteBuf backendKeyData(ByteBufAllocator allocator, int processId, int secretKey) {
        return MessageWriter.typed(allocator, BackendTag.BACKEND_KEY_DATA).int32(processId).int32(secretKey).finish();
    }

    public static ByteBuf readyForQuery(ByteBufAllocator allocator, byte transactionStatus) {
        return MessageWriter.typed(allocator, BackendTag.READY_FOR_QUERY).byte1(transactionStatus).finish();
    }

    public static ByteBuf errorResponse(ByteBufAllocator allocator, String severity, String sqlState, String message) {
        return MessageWriter.typed(allocator, BackendTag.ERROR_RESPONSE)
                .byte1('S').cString(severity)
                .byte1('V').cString(severity)
                .byte1('C').cString(sqlState)
                .byte1('M').cString(message)
                .byte1(0).finish();
    }

    /** A NoticeResponse of severity NOTICE (SQLSTATE 00000) with a message and a detail. */
    public static ByteBuf noticeResponse(ByteBufAllocator allocator, String message, String detail) {
        return MessageWriter.typed(allocator, BackendTag.NOTICE_RESPONSE)
                .byte1('S').cString("NOTICE")
                .byte1('V').cString("NOTICE")
                .byte1('C').cString("00000")
                .byte1('M').cString(message)
                .byte1('D').cString(detail)
                .byte1(0).finish();
    }

    /**
     * PostgreSQL's error for a prepared statement whose result type changed after DDL, with the routine that raises
     * it: drivers (pgjdbc) recognize the case by that routine and prepare the statement again.
     */
    public static ByteBuf cachedPlanChanged(ByteBufAllocator allocator) {
        return MessageWriter.typed(allocator, BackendTag.ERROR_RESPONSE)
                .byte1('S').cString("ERROR")
                .byte1('V').cString("ERROR")
                .byte1('C').cString(SqlState.FEATURE_NOT_SUPPORTED)
                .byte1('M').cString("cached plan must not change result type")
                .byte1('R').cString("RevalidateCachedQuery")
                .byte1(0).finish();
    }

    /** Tells a client asking for a newer minor version (or unknown {@code _pq_.} options) what pgferry speaks. */
    public static ByteBuf negotiateProtocolVersion(ByteBufAllocator allocator, int newestMinor,
                                                   List<String> unsupportedOptions) {
        MessageWriter writer = MessageWriter.typed(allocator, BackendTag.NEGOTIATE_PROTOCOL_VERSION)
                .int32(newestMinor).int32(unsupportedOptions.size());
        unsupportedOptions.forEach(writer::cString);
        return writer.finish();
    }

    /** RowDescription of text columns (type oid 25, text format), as the admin console returns them. */
    public static ByteBuf rowDescription(ByteBufAllocator allocator, List<String> columns) {
        MessageWriter writer = MessageWriter.typed(allocator, BackendTag.ROW_DESCRIPTION).int16(columns.size());
        for (String column : columns) {
            writer.cString(column).int32(0).int16(0).int32(25).int16(-1).int32(-1).int16(0);
        }
        return writer.finish();
    }

    /** DataRow of text values; {@code null} is SQL NULL. */
    public static ByteBuf dataRow(ByteBufAllocator allocator, List<String> values) {
        MessageWriter writer = MessageWriter.typed(allocator, BackendTag.DATA_ROW).int16(values.size());
        values.forEach(writer::nullableText);
        return writer.finish();
    }

    public static ByteBuf parseComplete(ByteBufAllocator allocator) {
        return MessageWriter.typed(allocator, BackendTag.PARSE_COMPLETE).finish();
    }

    public static ByteBuf closeComplete(ByteBufAllocator allocator) {
        return MessageWriter.typed(allocator, BackendTag.CLOSE_COMPLETE).finish();
    }

    public static ByteBuf commandComplete(ByteBufAllocator allocator, String tag) {
        return MessageWriter.typed(allocator, BackendTag.COMMAND_COMPLETE).cString(tag).finish();
    }
}
