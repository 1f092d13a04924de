package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Flyweight readers and splicing writers for the extended-protocol messages whose statement names pgferry
 * rewrites (Parse, Bind, Describe, Close). A rewrite is a new header with the new name followed by a retained
 * slice of the original message's tail, so parameter values and query text are never copied.
 */
public final class ExtendedMessages {
    /** Reads a byte array eight bytes at a time, in the network order {@link ByteBuf#getLong} uses. */
    private static final VarHandle BIG_ENDIAN_LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private ExtendedMessages() {
    }

    /** Parse: the statement name. */
    public static String parseName(ByteBuf parse) {
        return Messages.cString(parse, parse.readerIndex() + Messages.BODY);
    }

    /** Parse: absolute index where the query text starts (just after the name). */
    public static int parseQueryStart(ByteBuf parse) {
        return Messages.skipCString(parse, parse.readerIndex() + Messages.BODY);
    }

    /** Bind: the statement name (after the portal name). */
    public static String bindStatement(ByteBuf bind) {
        return Messages.cString(bind, bindStatementStart(bind));
    }

    /** The statement name of the Bind at {@code index} of {@code messages}, or {@code null} if that is no Bind. */
    public static String bindStatementOf(java.util.List<ByteBuf> messages, int index) {
        return index < messages.size() && Messages.type(messages.get(index)) == FrontendTag.BIND
                ? bindStatement(messages.get(index)) : null;
    }

    /** Bind: the portal name. */
    public static String bindPortal(ByteBuf bind) {
        return Messages.cString(bind, bind.readerIndex() + Messages.BODY);
    }

    private static int bindStatementStart(ByteBuf bind) {
        return Messages.skipCString(bind, bind.readerIndex() + Messages.BODY);
    }

    /** Describe or Close: 'S' for a statement, 'P' for a portal. */
    public static byte target(ByteBuf message) {
        return message.getByte(message.readerIndex() + Messages.BODY);
    }

    /** Describe or Close: the statement or portal name. */
    public static String targetName(ByteBuf message) {
        return Messages.cString(message, message.readerIndex() + Messages.BODY + 1);
    }

    /** A Parse named {@code serverName} with the query and parameter types of {@code original}; takes ownership of it. */
    public static ByteBuf renameParse(ByteBufAllocator allocator, ByteBuf original, byte[] serverName) {
        return splice(allocator, original, FrontendTag.PARSE, new byte[0], serverName, parseQueryStart(original));
    }

    /** A Bind of {@code serverName} with the portal and parameters of {@code original}; takes ownership of it. */
    public static ByteBuf renameBind(ByteBufAllocator allocator, ByteBuf original, byte[] serverName) {
        int portalStart = original.readerIndex() + Messages.BODY;
        int statementStart = bindStatementStart(original);
        byte[] portal = new byte[statementStart - portalStart];
        original.getBytes(portalStart, portal);
        return splice(allocator, original, FrontendTag.BIND, portal, serverName, Messages.skipCString(original, statementStart));
    }

    /** Header (type, length, prefix, name, NUL) + retained slice of {@code original} from {@code tailStart}. */
    private static ByteBuf splice(ByteBufAllocator allocator, ByteBuf original, byte type, byte[] prefix, byte[] name,
                                  int tailStart) {
        int tailLength = original.writerIndex() - tailStart;
        ByteBuf header = allocator.buffer(Messages.BODY + prefix.length + name.length + 1);
        header.writeByte(type).writeInt(4 + prefix.length + name.length + 1 + tailLength)
                .writeBytes(prefix).writeBytes(name).writeByte(0);
        CompositeByteBuf message = allocator.compositeBuffer(2);
        message.addComponent(true, header);
        message.addComponent(true, original.retainedSlice(tailStart, tailLength));
        original.release();
        return message;
    }

    /** A Parse of {@code serverName} from stored query-and-types bytes (as {@link #queryAndTypes} copies them). */
    public static ByteBuf parse(ByteBufAllocator allocator, byte[] serverName, byte[] queryAndTypes) {
        ByteBuf message = allocator.buffer(Messages.BODY + serverName.length + 1 + queryAndTypes.length);
        return message.writeByte(FrontendTag.PARSE).writeInt(4 + serverName.length + 1 + queryAndTypes.length)
                .writeBytes(serverName).writeByte(0).writeBytes(queryAndTypes);
    }

    /**
     * A copy of a Parse's query text and parameter type OIDs, from {@code start} (its {@link #parseQueryStart}): the
     * statement's identity in the registry.
     */
    public static byte[] queryAndTypes(ByteBuf parse, int start) {
        byte[] bytes = new byte[parse.writerIndex() - start];
        parse.getBytes(start, bytes);
        return bytes;
    }

    /**
     * Whether a Parse's query text and parameter types, from {@code start} (its {@link #parseQueryStart}), are
     * {@code queryAndTypes}; compared without a copy.
     */
    public static boolean hasQueryAndTypes(ByteBuf parse, int start, byte[] queryAndTypes) {
        int length = parse.writerIndex() - start;
        if (length != queryAndTypes.length) {
            return false;
        }
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            if (parse.getLong(start + i) != (long) BIG_ENDIAN_LONGS.get(queryAndTypes, i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (parse.getByte(start + i) != queryAndTypes[i]) {
                return false;
            }
        }
        return true;
    }

    /** Describe or Close of a statement or portal. */
    public static ByteBuf describeOrClose(ByteBufAllocator allocator, byte type, byte target, byte[] name) {
        ByteBuf message = allocator.buffer(Messages.BODY + 1 + name.length + 1);
        return message.writeByte(type).writeInt(4 + 1 + name.length + 1).writeByte(target).writeBytes(name).writeByte(0);
    }
}
