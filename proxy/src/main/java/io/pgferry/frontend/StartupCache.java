package io.pgferry.frontend;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.pgferry.protocol.ByteKey;
import io.pgferry.protocol.StartupMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * StartupMessages already parsed, by their bytes. A fleet of clients that connects per request sends the same
 * startup every time, and parsing it into a map and interning the result took 5-7 % of pgferry's user time
 * per login. Only startups that parsed and named a user are kept, the most used 1024 of them. Thread-safe.
 */
final class StartupCache {
    private static final int MAXIMUM_STARTUPS = 1024;

    /** What a startup asked for, and the protocol options it named that pgferry does not support. */
    record Parsed(ClientStartup startup, List<String> unsupportedOptions) {
    }

    /** Keyed by the whole message, length and version words included. */
    private final Cache<ByteKey, Parsed> parsed = Caffeine.newBuilder().maximumSize(MAXIMUM_STARTUPS).build();

    /**
     * The startup in {@code message} (not consumed), or {@code null} if it names no user. Throws
     * {@link io.pgferry.protocol.ProtocolViolation} for options pgferry cannot read.
     */
    Parsed parse(ByteBuf message) {
        ByteKey key = new ByteKey(ByteBufUtil.getBytes(message));
        Parsed known = parsed.getIfPresent(key);
        if (known != null) {
            return known;
        }
        Parsed fresh = parseAnew(message);
        if (fresh != null) {
            parsed.put(key, fresh);
        }
        return fresh;
    }

    private static Parsed parseAnew(ByteBuf message) {
        Map<String, String> parameters = StartupMessage.parameters(message);
        String user = parameters.get("user");
        if (user == null || user.isEmpty()) {
            return null;
        }
        List<String> unsupportedOptions = new ArrayList<>();
        parameters.keySet().removeIf(name -> name.startsWith("_pq_.") && unsupportedOptions.add(name));
        parameters.putIfAbsent("database", user);
        return new Parsed(ClientStartup.of(parameters), List.copyOf(unsupportedOptions));
    }
}
