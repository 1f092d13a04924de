package io.pgferry.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.pgferry.backend.ReplyTap;
import io.pgferry.prepared.PreparedStatement;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.Messages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ParameterDescription and RowDescription (or NoData) a server gave for each prepared statement of one
 * database, per client settings, so that a Describe of the statement is answered without a server round trip
 * once any server has described it (postgres.js's first round trip for a new statement). DDL through pgferry
 * forgets them all; a description read before that DDL is not stored; a statement whose plan a server refused
 * after DDL (0A000) is retired and never answered from here. Thread-safe.
 */
public final class StatementDescriptions {
    private final Cache<Key, byte[]> descriptions = Caffeine.newBuilder().maximumSize(10_000).build();
    private final AtomicLong epoch = new AtomicLong();

    /** A statement entry (compared by identity: one per text and types) and the client's settings. */
    private record Key(PreparedStatement statement, Object settings) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.statement == statement && key.settings.equals(settings);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(statement) * 31 + settings.hashCode();
        }
    }

    /** The stored description of {@code statement}, or {@code null}. */
    public byte[] of(PreparedStatement statement, Object settings) {
        return statement.isRetired() ? null : descriptions.getIfPresent(new Key(statement, settings));
    }

    /** DDL went through pgferry: every description may be wrong now. */
    void forgetAll() {
        epoch.incrementAndGet();
        descriptions.invalidateAll();
    }

    /** A tap for a Describe of {@code statement} on its way to a server: stores what the server answers. */
    ReplyTap recorder(PreparedStatement statement, Object settings) {
        return new Recorder(new Key(statement, settings), epoch.get());
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
