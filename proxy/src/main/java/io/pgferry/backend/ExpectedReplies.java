package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ErrorFields;
import io.pgferry.protocol.Messages;
import java.util.ArrayDeque;

/**
 * The ordered queue of replies one server link owes, in request order: every request written to the server adds
 * an entry that either forwards its replies to the client (the client asked), swallows them (pgferry injected the
 * request), or is a reply pgferry makes up itself and emits when everything before it has been answered. This
 * single queue keeps synthesized and real replies in the client's order, whatever the pipeline depth.
 *
 * <p>Protocol rules it applies: after an ErrorResponse in the extended protocol the server ignores messages up to
 * Sync, so entries up to the next Sync are dropped (and later ones too while that Sync has not been sent); a simple
 * Query or FunctionCall ends only at ReadyForQuery. Confined to the server link's event loop. Owns the buffers of
 * fake entries until they are emitted or {@link #clear() cleared}.
 */
public final class ExpectedReplies {
    /**
     * What happens to the replies of one request: forwarded (the client asked), skipped (pgferry injected it),
     * faked (pgferry answers itself), or skipped but for ParameterStatus (pgferry re-applies a setting on the
     * client's behalf: the client must learn the value, and an error means only that the client's own change
     * failed too, say in an aborted transaction).
     */
    public enum Action { FORWARD, SKIP, FAKE, SKIP_BUT_REPORT }

    /**
     * Hears that a request failed: {@code sqlState} is the SQLSTATE of the server's error for this very request, or
     * {@code null} if the server skipped it after an earlier error.
     */
    @FunctionalInterface
    public interface FailureHook {
        void failed(String sqlState);
    }

    private record Entry(Request request, Action action, ByteBuf fake, FailureHook onFailure, ReplyTap tap) {
        /** A shared entry per request and action, for those without a fake reply or failure hook: most of them. */
        private static final Entry[][] PLAIN = plainEntries();

        private static Entry[][] plainEntries() {
            Entry[][] plain = new Entry[Request.values().length][Action.values().length];
            for (Request request : Request.values()) {
                for (Action action : Action.values()) {
                    plain[request.ordinal()][action.ordinal()] = new Entry(request, action, null, null, null);
                }
            }
            return plain;
        }

        static Entry of(Request request, Action action, FailureHook onFailure, ReplyTap tap) {
            return onFailure == null && tap == null ? PLAIN[request.ordinal()][action.ordinal()]
                    : new Entry(request, action, null, onFailure, tap);
        }

        /** The request failed with {@code sqlState}, or the server skipped it after an earlier error ({@code null}). */
        void failed(String sqlState) {
            if (onFailure != null) {
                onFailure.failed(sqlState);
            }
            if (tap != null) {
                tap.failed();
            }
        }
    }

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final ReplySink sink;
    private boolean discardingUntilSync;

    public ExpectedReplies(ReplySink sink) {
        this.sink = sink;
    }

    /** Records that {@code request} was written to the server. */
    public void expect(Request request, Action action) {
        expect(request, action, null);
    }

    /** As {@link #expect(Request, Action)}; {@code onFailure} runs if the request fails or is skipped by the server. */
    public void expect(Request request, Action action, FailureHook onFailure) {
        expect(request, action, onFailure, null);
    }

    /** As {@link #expect(Request, Action, FailureHook)}, with {@code tap} seeing the request's replies. */
    public void expect(Request request, Action action, FailureHook onFailure, ReplyTap tap) {
        Entry entry = Entry.of(request, action, onFailure, tap);
        if (discardingUntilSync) {
            if (request != Request.SYNC) {
                entry.failed(null);
                return;
            }
            discardingUntilSync = false;
        }
        entries.add(entry);
    }

    /** Queues a reply pgferry makes itself; it reaches the client after every reply queued before it. */
    public void fake(ByteBuf message) {
        if (discardingUntilSync) {
            message.release();
        } else if (entries.isEmpty()) {
            sink.forwardSynthesized(message);
        } else {
            entries.add(new Entry(null, Action.FAKE, message, null, null));
        }
    }

    public boolean isEmpty() {
        return entries.isEmpty() && !discardingUntilSync;
    }

    /** Routes one server message; takes ownership of it. */
    public void onServerMessage(ByteBuf message) {
        byte type = Messages.type(message);
        Entry head = entries.peek();
        if (type == BackendTag.READY_FOR_QUERY) {
            onReadyForQuery(message, head);
        } else if (isAsynchronous(type) || head == null) {
            // Notices, notifications and parameter changes may arrive at any time and belong to whoever holds the link.
            boolean report = head == null || head.action == Action.SKIP_BUT_REPORT && type == BackendTag.PARAMETER_STATUS;
            deliver(report ? Action.FORWARD : head.action, message);
        } else if (type == BackendTag.ERROR_RESPONSE) {
            onError(message, head);
        } else {
            if (head.tap != null) {
                head.tap.reply(message);
            }
            deliver(head.action, message);
            if (head.request.completedBy(type) && !head.request.endsWithReadyForQuery()) {
                entries.poll();
                emitFakes();
            }
        }
    }

    private void onReadyForQuery(ByteBuf message, Entry head) {
        if (head == null || !head.request.endsWithReadyForQuery()) {
            message.release();
            throw new ServerOutOfSync("ReadyForQuery while expecting " + (head == null ? "nothing" : head.request));
        }
        entries.poll();
        byte status = Messages.transactionStatus(message);
        if (head.tap != null) {
            head.tap.readyForQuery(status);
        }
        deliver(head.action, message);
        emitFakes();
        sink.readyForQuery(status, isEmpty());
    }

    private void onError(ByteBuf message, Entry head) {
        // Read before the message is passed on: whoever receives it owns it.
        String sqlState = head.onFailure == null ? null : ErrorFields.read(message).sqlState();
        if (head.action == Action.SKIP) {
            sink.injectedRequestFailed(head.request, message);
        } else if (head.action == Action.SKIP_BUT_REPORT) {
            message.release();
        } else {
            sink.forward(message);
        }
        if (head.request.endsWithReadyForQuery()) {
            if (head.tap != null) {
                head.tap.failed();
            }
            return;
        }
        if (sqlState != null || head.tap != null && head.request != Request.SYNC) {
            entries.poll().failed(sqlState);
        }
        while (!entries.isEmpty() && entries.peek().request != Request.SYNC) {
            Entry dropped = entries.poll();
            dropped.failed(null);
            if (dropped.fake != null) {
                dropped.fake.release();
            }
        }
        discardingUntilSync = entries.isEmpty();
    }

    private void deliver(Action action, ByteBuf message) {
        if (action == Action.SKIP || action == Action.SKIP_BUT_REPORT) {
            message.release();
        } else {
            sink.forward(message);
        }
    }

    private void emitFakes() {
        while (!entries.isEmpty() && entries.peek().action == Action.FAKE) {
            sink.forwardSynthesized(entries.poll().fake);
        }
    }

    private static boolean isAsynchronous(byte type) {
        return type == BackendTag.NOTICE_RESPONSE || type == BackendTag.NOTIFICATION_RESPONSE
                || type == BackendTag.PARAMETER_STATUS;
    }

    /** Releases queued fake replies and tells taps their requests failed; called when the link closes. */
    public void clear() {
        for (Entry entry : entries) {
            if (entry.fake != null) {
                entry.fake.release();
            }
            if (entry.tap != null) {
                entry.tap.failed();
            }
        }
        entries.clear();
        discardingUntilSync = false;
    }
}
