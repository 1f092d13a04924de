package io.pgferry.backend;

import io.netty.buffer.ByteBuf;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ErrorFields;
import io.pgferry.protocol.Messages;
import java.util.concurrent.CompletableFuture;

/**
 * pgferry's own query on a link whose answer is its first row (an auth-query's secret, a host's recovery state):
 * the subclass sends the requests and reads that row; this completes {@link #answer()} with what it read
 * ({@code null} for no row) once the link is idle again, or exceptionally when a request failed or the server went
 * away. Runs on the link's loop.
 */
public abstract class FirstRowQuery<T> extends OwnQueryClient {
    private final ServerConnection link;
    private final String what;
    private final CompletableFuture<T> answer = new CompletableFuture<>();
    private T firstRow;
    private boolean rowSeen;
    private String error;

    /** {@code what} names the query in its failures ("auth-query"). */
    protected FirstRowQuery(ServerConnection link, String what) {
        this.link = link;
        this.what = what;
    }

    /** Reads the first DataRow; the caller releases it. */
    protected abstract T read(ByteBuf dataRow);

    protected final ServerConnection link() {
        return link;
    }

    /** The answer: completes on the link's loop. */
    public final CompletableFuture<T> answer() {
        return answer;
    }

    @Override
    public final void deliver(ByteBuf message) {
        try {
            byte type = Messages.type(message);
            if (type == BackendTag.DATA_ROW && !rowSeen && !failed()) {
                firstRow = read(message);
                rowSeen = true;
            } else if (type == BackendTag.ERROR_RESPONSE) {
                fail();
                error = ErrorFields.read(message).message();
            }
        } finally {
            message.release();
        }
    }

    @Override
    public final void readyForQuery(byte transactionStatus, boolean idle) {
        if (idle) {
            link.detach();
            if (failed()) {
                answer.completeExceptionally(new IllegalStateException(what + " failed: "
                        + (error == null ? "an error in its transaction" : error)));
            } else {
                answer.complete(firstRow);
            }
        }
    }

    @Override
    public final void serverClosed(ServerClosure why) {
        answer.completeExceptionally(new IllegalStateException(what + "'s server closed: " + why.message()));
    }
}
