package io.pgferry.loadtest.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** The wire messages the benchmarks replay, encoded once: what a pgbench select-only transaction exchanges. */
final class HotPathMessages {
    private HotPathMessages() {
    }

    static ByteBuf bind(String statement) {
        byte[] name = statement.getBytes(StandardCharsets.US_ASCII);
        ByteBuf body = Unpooled.buffer();
        body.writeByte(0);
        body.writeBytes(name).writeByte(0);
        body.writeShort(1).writeShort(1);
        body.writeShort(1).writeInt(4).writeInt(42);
        body.writeShort(1).writeShort(1);
        return typed('B', body);
    }

    static ByteBuf execute() {
        ByteBuf body = Unpooled.buffer().writeByte(0).writeInt(0);
        return typed('E', body);
    }

    static ByteBuf sync() {
        return typed('S', Unpooled.EMPTY_BUFFER);
    }

    /** The server's replies to Bind/Execute/Sync of a one-row select: 2, D, C, Z. */
    static ByteBuf replies() {
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(typed('2', Unpooled.EMPTY_BUFFER));
        all.writeBytes(typed('D', Unpooled.buffer().writeShort(1).writeInt(4).writeInt(7)));
        all.writeBytes(typed('C', Unpooled.buffer().writeBytes("SELECT 1\0".getBytes(StandardCharsets.US_ASCII))));
        all.writeBytes(typed('Z', Unpooled.buffer().writeByte('I')));
        return all;
    }

    static ByteBuf typed(char type, ByteBuf body) {
        ByteBuf message = Unpooled.buffer(5 + body.readableBytes());
        message.writeByte(type).writeInt(4 + body.readableBytes()).writeBytes(body, body.readerIndex(), body.readableBytes());
        return message;
    }
}
