package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The fields pgferry looks at in an ErrorResponse or NoticeResponse: severity, SQLSTATE and message. */
public record ErrorFields(String severity, String sqlState, String message) {
    private static final byte[] FATAL = "FATAL".getBytes(StandardCharsets.US_ASCII);

    /** Receives each field of an ErrorResponse or NoticeResponse: its code and where its value starts. */
    @FunctionalInterface
    private interface FieldVisitor {
        void field(byte code, int valueAt);
    }

    public static ErrorFields read(ByteBuf message) {
        String[] kept = {"", "", ""};
        forEachField(message, (code, at) -> {
            switch (code) {
                case 'V' -> kept[0] = Messages.cString(message, at);
                case 'C' -> kept[1] = Messages.cString(message, at);
                case 'M' -> kept[2] = Messages.cString(message, at);
                default -> { }
            }
        });
        return new ErrorFields(kept[0], kept[1], kept[2]);
    }

    /**
     * Rewrites an ErrorResponse's severity from ERROR to FATAL in place (the words are the same length) and returns
     * it, for an error after which pgferry ends the session: the client reads that from the severity, as it would
     * from PostgreSQL. A localized severity other than ERROR stays; the non-localized one is always in English.
     */
    public static ByteBuf escalateToFatal(ByteBuf message) {
        forEachField(message, (code, at) -> {
            if ((code == 'S' || code == 'V') && "ERROR".equals(Messages.cString(message, at))) {
                message.setBytes(at, FATAL);
            }
        });
        return message;
    }

    private static void forEachField(ByteBuf message, FieldVisitor visitor) {
        int at = message.readerIndex() + Messages.BODY;
        int end = message.writerIndex();
        while (at < end) {
            byte code = message.getByte(at++);
            if (code == 0) {
                return;
            }
            visitor.field(code, at);
            at = Messages.skipCString(message, at);
        }
    }

    public boolean isFatal() {
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }
}
