package io.pgferry.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.pgferry.backend.ReplyTap;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.Messages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ParameterDescription and RowDescription (or NoData) a server gave for each statement text and parameter
 * types of one database, per client settings, so that a Describe of a statement is answered without a server
 * round trip once any server has described it (postgres.js's first round trip for a statement). DDL through
 * pgferry forgets them all, and a description read before that DDL is not stored; DDL that bypasses pgferry is
 * bounded by the cache's max-age, as results are. Thread-safe.
 */
public final class StatementDescriptions {
    private final Cache<Key, byte[]> descriptions;
    private final AtomicLong epoch = new AtomicLong();

    StatementDescriptions(Duration maxAge) {
        descriptions = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(maxAge).executor(Runnable::run)
                .build();
    }

    /** A statement's text and parameter types (as they follow the name in a Parse), and the client's settings. */
    private record Key(byte[] queryAndTypes, Object settings) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Arrays.equals(key.queryAndTypes, queryAndTypes)
                    && key.settings.equals(settings);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(queryAndTypes) * 31 + settings.hashCode();
        }
    }

    /** The stored description of the statement {@code queryAndTypes}, or {@code null}. */
    public byte[] of(byte[] queryAndTypes, Object settings) {
        return descriptions.getIfPresent(new Key(queryAndTypes, settings));
    }


    /** The descriptions of {@code queryAndTypes}, under any settings, may be wrong now. */
    void forget(byte[] queryAndTypes) {
        descriptions.asMap().keySet().removeIf(key -> Arrays.equals(key.queryAndTypes(), queryAndTypes));
    }

    /** DDL went through pgferry: every description may be wrong now. */
    void forgetAll() {
        epoch.incrementAndGet();
        descriptions.invalidateAll();
    }

    /** A tap for a Describe of the statement {@code queryAndTypes} on its way to a server: keeps the answer. */
    ReplyTap recorder(byte[] queryAndTypes, Object settings) {
        return new Recorder(new Key(queryAndTypes, settings), epoch.get());
    }

    private final class Recorder implements ReplyTap {
        private final Key key;
        private final long epochAtSend;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        private boolean failed;

        Recorder(Key key, long epochAtSend) {
            this.key = key;
            this.epochAtSend = epochAtSend;
        }

        @Override
        public void reply(ByteBuf message) {
            byte type = Messages.type(message);
            try {
                message.getBytes(message.readerIndex(), bytes, message.readableBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            boolean last = type == BackendTag.ROW_DESCRIPTION || type == BackendTag.NO_DATA;
            if (last && !failed && epoch.get() == epochAtSend) {
                descriptions.put(key, bytes.toByteArray());
            } else if (!last && type != BackendTag.PARAMETER_DESCRIPTION) {
                failed = true;
            }
        }

        @Override
        public void failed() {
            failed = true;
        }
    }
}
