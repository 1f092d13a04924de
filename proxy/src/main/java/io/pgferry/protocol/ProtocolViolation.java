package io.pgferry.protocol;

/** A peer broke the protocol: the connection that sent it gets ErrorResponse 08P01 and is closed. */
public final class ProtocolViolation extends RuntimeException {
    public ProtocolViolation(String message) {
        super(message, null, false, false);
    }
}
