package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
}
