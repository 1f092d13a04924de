package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.Map;

/** Writers for the client-side messages pgferry sends to servers on its own account. Each returns a new buffer. */
public final class FrontendMessages {
    private FrontendMessages() {
    }

    public static ByteBuf startupMessage(ByteBufAllocator allocator, Map<String, String> parameters) {
        MessageWriter writer = MessageWriter.untyped(allocator).int32(StartupCode.PROTOCOL_3_0);
        parameters.forEach((name, value) -> writer.cString(name).cString(value));
        return writer.byte1(0).finish();
    }

    public static ByteBuf sslRequest(ByteBufAllocator allocator) {
        return MessageWriter.untyped(allocator).int32(StartupCode.SSL_REQUEST).finish();
    }

    public static ByteBuf cancelRequest(ByteBufAllocator allocator, int processId, int secretKey) {
        return MessageWriter.untyped(allocator).int32(StartupCode.CANCEL_REQUEST).int32(processId).int32(secretKey)
                .finish();
    }

    public static ByteBuf passwordMessage(ByteBufAllocator allocator, String password) {
        return MessageWriter.typed(allocator, FrontendTag.PASSWORD).cString(password).finish();
    }

    public static ByteBuf saslInitialResponse(ByteBufAllocator allocator, String mechanism, byte[] data) {
        return MessageWriter.typed(allocator, FrontendTag.PASSWORD).cString(mechanism).int32(data.length).bytes(data)
                .finish();
    }

    public static ByteBuf saslResponse(ByteBufAllocator allocator, byte[] data) {
        return MessageWriter.typed(allocator, FrontendTag.PASSWORD).bytes(data).finish();
    }

    public static ByteBuf query(ByteBufAllocator allocator, String sql) {
        return MessageWriter.typed(allocator, FrontendTag.QUERY).cString(sql).finish();
    }

    /** Parse of the unnamed statement, parameter types left to the server to infer. */
    public static ByteBuf parseUnnamed(ByteBufAllocator allocator, String sql) {
        return MessageWriter.typed(allocator, FrontendTag.PARSE).byte1(0).cString(sql).int16(0).finish();
    }

    /** Bind of the unnamed statement to the unnamed portal: text parameters ({@code null}: SQL NULL), text results. */
    public static ByteBuf bindUnnamed(ByteBufAllocator allocator, List<String> parameters) {
        MessageWriter writer = MessageWriter.typed(allocator, FrontendTag.BIND).byte1(0).byte1(0).int16(0)
                .int16(parameters.size());
        parameters.forEach(writer::nullableText);
        return writer.int16(0).finish();
    }

    /** Describe of the unnamed portal. */
    public static ByteBuf describeUnnamedPortal(ByteBufAllocator allocator) {
        return MessageWriter.typed(allocator, FrontendTag.DESCRIBE).byte1('P').byte1(0).finish();
    }

    /** Execute of the unnamed portal, every row. */
    public static ByteBuf executeUnnamed(ByteBufAllocator allocator) {
        return MessageWriter.typed(allocator, FrontendTag.EXECUTE).byte1(0).int32(0).finish();
    }

    public static ByteBuf sync(ByteBufAllocator allocator) {
        return MessageWriter.typed(allocator, FrontendTag.SYNC).finish();
    }
}
