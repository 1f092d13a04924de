package io.pgferry.backend;

import io.netty.buffer.ByteBuf;

/**
 * Sees the replies of the requests it is attached to as they pass, without owning them: the result cache records
 * a miss this way, and write tracking learns when a write's transaction ended. Called on the link's event loop.
 */
public interface ReplyTap {
    /** A reply of a tapped request, just before it goes on; the tap must copy what it keeps. */
    default void reply(ByteBuf message) {
    }

    /** A tapped request failed, or the server skipped it after an earlier error. */
    default void failed() {
    }

    /** The ReadyForQuery that ends a tapped Query or Sync, with its transaction status. */
    default void readyForQuery(byte transactionStatus) {
    }
}
