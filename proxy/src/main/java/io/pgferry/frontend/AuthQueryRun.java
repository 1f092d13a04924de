package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.pgferry.backend.ExpectedReplies.Action;
import io.pgferry.backend.FirstRowQuery;
import io.pgferry.backend.Request;
import io.pgferry.backend.ServerConnection;
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
final class AuthQueryRun extends FirstRowQuery<String> {
    private AuthQueryRun(ServerConnection link) {
        super(link, "auth-query");
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
        return run.answer();
    }

    private void quietly(ByteBufAllocator allocator, String sql) {
        ServerConnection link = link();
        link.send(FrontendMessages.parseUnnamed(allocator, sql), Request.PARSE, Action.SKIP);
        link.send(FrontendMessages.bindUnnamed(allocator, List.of()), Request.BIND, Action.SKIP);
        link.send(FrontendMessages.executeUnnamed(allocator), Request.EXECUTE, Action.SKIP);
    }

    @Override
    protected String read(ByteBuf dataRow) {
        return Messages.dataRowText(dataRow, 1);
    }
}
