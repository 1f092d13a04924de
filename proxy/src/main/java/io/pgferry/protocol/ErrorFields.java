package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** The fields pgferry looks at in an ErrorResponse or NoticeResponse: severity, SQLSTATE and message. */
public record ErrorFields(String severity, String sqlState, String message) {
    private static final byte[] FATAL = "FATAL".getBytes(StandardCharsets.US_ASCII);

    public static ErrorFields read(ByteBuf message) {
        String severity = "";
        String sqlState = "";
        String text = "";
        int at = message.readerIndex() + Messages.BODY;
        int end = message.writerIndex();
        while (at < end) {
            byte field = message.getByte(at++);
            if (field == 0) {
                break;
            }
            String value = Messages.cString(message, at);
            at = Messages.skipCString(message, at);
            switch (field) {
                case 'V' -> severity = value;
                case 'C' -> sqlState = value;
                case 'M' -> text = value;
                default -> { }
            }
        }
        return new ErrorFields(severity, sqlState, text);
    }

    /**
     * Rewrites an ErrorResponse's severity from ERROR to FATAL in place (the words are the same length) and returns
     * it, for an error after which pgferry ends the session: the client reads that from the severity, as it would
     * from PostgreSQL. A localized severity other than ERROR stays; the non-localized one is always in English.
     */
    public static ByteBuf escalateToFatal(ByteBuf message) {
        int at = message.readerIndex() + Messages.BODY;
        int end = message.writerIndex();
        while (at < end) {
            byte field = message.getByte(at++);
            if (field == 0) {
                break;
            }
            if ((field == 'S' || field == 'V') && "ERROR".equals(Messages.cString(message, at))) {
                message.setBytes(at, FATAL);
            }
            at = Messages.skipCString(message, at);
        }
        return message;
    }

    public boolean isFatal() {
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }
}
