package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;

/** A ParameterStatus message's name and value, read without consuming the buffer. */
public record ParameterStatus(String name, String value) {
    public static ParameterStatus read(ByteBuf message) {
        int nameAt = message.readerIndex() + Messages.BODY;
        return new ParameterStatus(Messages.cString(message, nameAt),
                Messages.cString(message, Messages.skipCString(message, nameAt)));
    }
}
