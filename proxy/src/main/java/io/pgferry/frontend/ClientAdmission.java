package io.pgferry.frontend;

import io.netty.channel.Channel;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Counts client connections in two classes: those still logging in, oldest first, and those logged in.
 * max-client-connections bounds the logged-in ones only; the others have their own bound, past which the oldest is
 * dropped. A crowd of connections that never finish their startup then costs the attacker its own slots, not
 * honest clients theirs until client-login-timeout (issue 22.8); a login takes milliseconds, so an honest client is
 * rarely the oldest. Thread-safe; held only for set operations.
 */
final class ClientAdmission {
    private final LinkedHashSet<Channel> loggingIn = new LinkedHashSet<>();
    /** Dropped for being the oldest, until they close; few, and only under a flood of unfinished logins. */
    private final Set<Channel> dropping = new HashSet<>();
    private int loggedIn;

    /** A new connection; returns the oldest one to drop if that puts more than {@code limit} logging in. */
    synchronized Channel connected(Channel channel, int limit) {
        loggingIn.add(channel);
        if (loggingIn.size() <= limit) {
            return null;
        }
        Iterator<Channel> oldest = loggingIn.iterator();
        Channel dropped = oldest.next();
        oldest.remove();
        dropping.add(dropped);
        return dropped;
    }

    /** The connection finished logging in (a session or the console is ready). */
    synchronized void loggedIn(Channel channel) {
        if (loggingIn.remove(channel)) {
            loggedIn++;
        }
    }

    synchronized void closed(Channel channel) {
        if (!loggingIn.remove(channel) && !dropping.remove(channel)) {
            loggedIn--;
        }
    }

    synchronized int loggedIn() {
        return loggedIn;
    }
}
