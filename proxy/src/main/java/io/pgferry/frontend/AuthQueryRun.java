package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgferry.backend.ExpectedReplies.Action;
import io.pgferry.backend.OwnQueryClient;
import io.pgferry.backend.Request;
import io.pgferry.backend.ServerClosure;
import io.pgferry.backend.ServerConnection;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ErrorFields;
import io.pgferry.protocol.FrontendMessages;
import io.pgferry.protocol.Messages;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One auth-query on a borrowed link: in a transaction whose search_path is pg_catalog alone (SET LOCAL, undone at
 * its end, so nothing reaches the link's next user), the query with the user name as its text parameter; the
 * second column of its first row is the secret. Completes with the secret, {@code null} for no row or a NULL, or
 * exceptionally when the query failed. Runs on the link's loop.
 */
final class AuthQueryRun extends OwnQueryClient {
    private final ServerConnection link;
    private final CompletableFuture<String> secret = new CompletableFuture<>();
    private String found;
    private String error;

    private AuthQueryRun(ServerConnection link) {
        this.link = link;
    }

    static CompletableFuture<String> start(ServerConnection link, String query, String user) {
        AuthQueryRun run = new AuthQueryRun(link);
        ByteBufAllocator allocator = link.channel().alloc();
        link.attach(run);
        link.state().unnamedReplaced();
        run.quietly(allocator, "BEGIN");
        run.quietly(allocator, "SET LOCAL search_path TO pg_catalog");
        link.send(FrontendMessages.parseUnnamed(allocator, query), Request.PARSE, Action.FORWARD);
        link.send(FrontendMessages.bindUnnamed(allocator, List.of(user)), Request.BIND, Action.FORWARD);
        link.send(FrontendMessages.executeUnnamed(allocator), Request.EXECUTE, Action.FORWARD);
        run.quietly(allocator, "COMMIT");
        link.send(FrontendMessages.sync(allocator), Request.SYNC, Action.FORWARD);
        link.flush();
        return run.secret;
    }

    private void quietly(ByteBufAllocator allocator, String sql) {
        link.send(FrontendMessages.parseUnnamed(allocator, sql), Request.PARSE, Action.SKIP);
        link.send(FrontendMessages.bindUnnamed(allocator, List.of()), Request.BIND, Action.SKIP);
        link.send(FrontendMessages.executeUnnamed(allocator), Request.EXECUTE, Action.SKIP);
    }

    @Override
    public void deliver(ByteBuf message) {
        try {
            byte type = Messages.type(message);
            if (type == BackendTag.DATA_ROW && found == null && !failed()) {
                found = Messages.dataRowText(message, 1);
            } else if (type == BackendTag.ERROR_RESPONSE) {
                fail();
                error = ErrorFields.read(message).message();
            }
        } finally {
            message.release();
        }
    }

    @Override
    public void readyForQuery(byte transactionStatus, boolean idle) {
        if (idle) {
            link.detach();
            if (failed()) {
                secret.completeExceptionally(new IllegalStateException("auth-query failed: "
                        + (error == null ? "an error in its transaction" : error)));
            } else {
                secret.complete(found);
            }
        }
    }

    @Override
    public void serverClosed(ServerClosure why) {
        secret.completeExceptionally(new IllegalStateException("auth-query's server closed: " + why.message()));
    }
}
