package io.pgferry.edge;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a request's body may take to arrive (a slow body holds memory and a connection): past the
 * deadline the client gets 408 and the connection closes. Also closes a kept-alive connection when the idle
 * handler before it says it has been idle for the idle timeout, unless a request is still being answered.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private final Duration timeout;
    private ScheduledFuture<?> deadline;
    private int unanswered;

    RequestDeadline(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            unanswered++;
        }
        if (msg instanceof HttpRequest && deadline == null) {
            deadline = ctx.executor().schedule(() -> EdgeResponses.sendAndClose(ctx,
                    EdgeResponses.error(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT,
                            "the request body did not arrive within " + timeout.toSeconds() + " s")),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (msg instanceof LastHttpContent) {
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && unanswered > 0) {
            unanswered--;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            if (unanswered == 0) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
