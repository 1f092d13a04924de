package io.pgferry.protocol;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Readers for untyped startup-phase messages (length word at index 0, then the Int32 code). */
public final class StartupMessage {
    /**
     * Parameter names drivers commonly send: a client that sends one holds this shared copy for its whole session.
     * Other names keep their own copy; interning whatever a client sends would let it grow the JVM's string table.
     */
    private static final Map<String, String> COMMON_NAMES = Stream.of("user", "database", "options", "replication",
            "application_name", "fallback_application_name", "client_encoding", "DateStyle", "TimeZone",
            "extra_float_digits", "search_path", "IntervalStyle", "lc_messages", "statement_timeout",
            "idle_in_transaction_session_timeout", "geqo").collect(Collectors.toUnmodifiableMap(name -> name, name -> name));

    private StartupMessage() {
    }

    /** The protocol version or special request code (SSLRequest, CancelRequest, ...). */
    public static int code(ByteBuf message) {
        return message.getInt(message.readerIndex() + 4);
    }

    /** The name/value pairs of a StartupMessage, in the order sent. */
    public static Map<String, String> parameters(ByteBuf message) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int at = message.readerIndex() + 8;
        int end = message.writerIndex();
        while (at < end && message.getByte(at) != 0) {
            String sent = Messages.cString(message, at);
            String name = COMMON_NAMES.getOrDefault(sent, sent);
            at = Messages.skipCString(message, at);
            if (at >= end) {
                throw new ProtocolViolation("startup parameter " + name + " has no value");
            }
            parameters.put(name, Messages.cString(message, at));
            at = Messages.skipCString(message, at);
        }
        return parameters;
    }

    /** The (process id, secret key) pair of a CancelRequest, packed as one long. */
    public static long cancelKey(ByteBuf message) {
        if (message.readableBytes() < 16) {
            throw new ProtocolViolation("CancelRequest too short");
        }
        return ((long) message.getInt(message.readerIndex() + 8) << 32)
                | (message.getInt(message.readerIndex() + 12) & 0xFFFFFFFFL);
    }
}
