package io.pgferry.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.pgferry.backend.ServerConnection;
import io.pgferry.backend.ServerParameters;
import io.pgferry.protocol.BackendMessages;
import io.pgferry.protocol.SqlState;
import java.util.List;

/**
 * The last step of a client's login, once the pool has routed it: the cancel key it is issued, its starting
 * parameters (the servers' login values overlaid with its startup settings, handed to its forwarder), and the
 * greeting built from them (ParameterStatus messages, BackendKeyData, ReadyForQuery). One per session.
 */
final class SessionGreeting {
    private final FrontendContext context;
    private final ClientStartup startup;
    private long cancelKey;

    SessionGreeting(FrontendContext context, ClientStartup startup) {
        this.context = context;
        this.startup = startup;
    }

    /** Draws the client's cancel key: its CancelRequests reach {@code session} from now. */
    void registerCancel(ClientHandle session) {
        cancelKey = context.cancels().register(session);
    }

    /** The client left: its key no longer cancels anything. */
    void unregisterCancel() {
        if (cancelKey != 0) {
            context.cancels().unregister(cancelKey);
        }
    }

    /**
     * Link loop: gives the client {@code link}: attaches its replies, greets it first if it is logging in
     * ({@code greet}), and brings the link to the client's parameters. {@code false} if the client's parameters
     * cannot be applied (it got a FATAL error).
     */
    boolean bringLink(ServerConnection link, boolean greet, Channel channel, RequestForwarder forwarder,
                      ClientReplies replies) {
        link.attach(replies);
        // Built first: it seeds the parameters the link is brought to next.
        ByteBuf greetingMessages = greet ? greeting(channel.alloc(), link.parameters().login(), forwarder, replies)
                : null;
        try {
            forwarder.arrive(link);
        } catch (IllegalArgumentException e) {
            if (greetingMessages != null) {
                greetingMessages.release();
            }
            ClientErrors.fatal(channel, SqlState.PROTOCOL_VIOLATION, e.getMessage());
            return false;
        }
        if (greetingMessages != null) {
            link.fake(greetingMessages);
            replies.flush();
        }
        link.flush();
        return true;
    }

    /** The greeting for a login to servers that reported {@code serverLogin}; seeds the forwarder and replies. */
    ByteBuf greeting(ByteBufAllocator allocator, List<ServerParameters.LoginParameter> serverLogin,
                     RequestForwarder forwarder, ClientReplies replies) {
        LoginDefaults defaults = LoginDefaults.of(serverLogin, startup);
        forwarder.seedParameters(defaults.parameters());
        replies.applicationName(startup.valueOf("application_name", ""));
        return BackendMessages.loginGreeting(allocator, defaults.parameterStatuses(), (int) (cancelKey >>> 32),
                (int) cancelKey);
    }
}
