package io.pgferry.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.FrontendTag;
import io.pgferry.protocol.Messages;
import io.pgferry.protocol.SqlState;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * A logged-in admin console client: answers simple Query messages with the console's result sets. The console
 * speaks only the simple protocol, like PgBouncer's. Runs on the client's event loop; releases what it reads.
 */
public final class AdminSessionHandler extends ChannelInboundHandlerAdapter {
    private final AdminConsole console;

    public AdminSessionHandler(AdminConsole console) {
        this.console = console;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.write(BackendMessages.parameterStatus(ctx.alloc(), "server_version", "16.0 (pgferry)"));
        ctx.write(BackendMessages.parameterStatus(ctx.alloc(), "client_encoding", "UTF8"));
        ctx.write(BackendMessages.parameterStatus(ctx.alloc(), "standard_conforming_strings", "on"));
        ctx.write(BackendMessages.backendKeyData(ctx.alloc(), 0, 0));
        ctx.writeAndFlush(BackendMessages.readyForQuery(ctx.alloc(), (byte) 'I'));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf message = (ByteBuf) msg;
        try {
            byte type = Messages.type(message);
            if (type == FrontendTag.TERMINATE) {
                ctx.close();
            } else if (type == FrontendTag.QUERY) {
                answer(ctx, Messages.cString(message, message.readerIndex() + Messages.BODY));
            } else if (type == FrontendTag.SYNC) {
                ctx.writeAndFlush(BackendMessages.readyForQuery(ctx.alloc(), (byte) 'I'));
            } else if (type != FrontendTag.FLUSH) {
                ctx.write(BackendMessages.errorResponse(ctx.alloc(), "ERROR", SqlState.FEATURE_NOT_SUPPORTED,
                        "the admin console supports only the simple query protocol"));
            }
        } finally {
            message.release();
        }
    }

    private void answer(ChannelHandlerContext ctx, String sql) {
        // Reading stops until the answer is out, so commands run one at a time and answers stay in order.
        ctx.channel().config().setAutoRead(false);
        console.run(sql, ctx.executor()).whenCompleteAsync((result, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                String sqlState = cause instanceof AdminCommandError known ? known.sqlState() : SqlState.INTERNAL_ERROR;
                ctx.write(BackendMessages.errorResponse(ctx.alloc(), "ERROR", sqlState, cause.getMessage()));
            } else {
                if (result.notice() != null) {
                    ctx.write(BackendMessages.noticeResponse(ctx.alloc(), result.notice(), result.noticeDetail()));
                }
                if (!result.columns().isEmpty()) {
                    ctx.write(BackendMessages.rowDescription(ctx.alloc(), result.columns()));
                }
                for (List<String> row : result.rows()) {
                    ctx.write(BackendMessages.dataRow(ctx.alloc(), row));
                }
                ctx.write(BackendMessages.commandComplete(ctx.alloc(), result.tag()));
            }
            ctx.writeAndFlush(BackendMessages.readyForQuery(ctx.alloc(), (byte) 'I'));
            ctx.channel().config().setAutoRead(true);
        }, ctx.executor());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
