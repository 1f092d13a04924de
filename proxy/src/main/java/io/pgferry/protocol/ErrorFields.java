package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;

/** The fields pgferry looks at in an ErrorResponse or NoticeResponse: severity, SQLSTATE and message. */
public record ErrorFields(String severity, String sqlState, String message) {

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

    public boolean isFatal() {
        return "FATAL".equals(severity) || "PANIC".equals(severity);
    }
}
