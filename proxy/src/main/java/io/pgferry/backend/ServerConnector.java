package io.pgferry.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.uring.IoUringChannelOption;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.auth.ScramKeys;
import io.pgferry.config.TargetSessionAttrs;
import io.pgferry.config.Upstream;
import io.pgferry.protocol.MessageFrameDecoder;
import io.pgferry.protocol.SqlState;
import io.pgferry.tls.ServerTlsContexts;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Opens server links: TCP connect on a given event loop (the requesting client's, so the pair shares a thread),
 * then TLS and login by {@link ServerLoginHandler}. Thread-safe; one per proxy.
 */
public final class ServerConnector {
    /**
     * When pgferry stops reading one side because the other side's writes are queued: high enough that a client
     * which sends a long pipeline before reading (as PostgreSQL tolerates within its socket buffers) is not
     * deadlocked by pgferry's own back-pressure, low enough to bound memory per connection.
     */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    /** Servers are trusted to frame their messages: no limit below what a length word holds (PostgreSQL's is 1 GB). */
    static final int MAX_SERVER_MESSAGE_LENGTH = Integer.MAX_VALUE;

    private final Class<? extends Channel> channelType;
    private final Short receiveBufferGroup;
    private final ServerTlsContexts tlsContexts;
    private final KeyDerivation keyDerivation;
    private final int maxPreparedStatements;
    private final UpstreamHosts hosts;

    /** {@code receiveBufferGroup}: the io_uring buffer group server sockets receive from, or {@code null}. */
    public ServerConnector(Class<? extends Channel> channelType, Short receiveBufferGroup,
                           ServerTlsContexts tlsContexts, KeyDerivation keyDerivation, int maxPreparedStatements,
                           UpstreamHosts hosts) {
        this.maxPreparedStatements = maxPreparedStatements;
        this.hosts = hosts;
        this.channelType = channelType;
        this.receiveBufferGroup = receiveBufferGroup;
        this.tlsContexts = tlsContexts;
        this.keyDerivation = keyDerivation;
    }

    /**
     * What to log in as: the upstream, the database on it, and the credentials: a password, or else the SCRAM keys
     * a client of this user revealed ({@code passThrough} gives them, or {@code null} while there are none).
     */
    public record Login(Upstream upstream, String database, String user, String password,
                        Supplier<ScramKeys> passThrough) {
        /** The same login to one host of the upstream. */
        Login at(Upstream.Host host) {
            return new Login(upstream.at(host), database, user, password, passThrough);
        }

        /** The same login to a standby of the upstream, when one is up (read routing). */
        public Login forReads() {
            return new Login(upstream.forReads(), database, user, password, passThrough);
        }
    }

    public UpstreamHosts hosts() {
        return hosts;
    }

    /**
     * Sends a CancelRequest with the link's real key on a connection of its own (protocol section "Canceling
     * Requests in Progress"), over TLS if the link uses TLS, if {@code stillRunning} confirms, after the cancel is
     * counted, that the link still runs the requester's request. While the cancel is in flight the link reaches no
     * other client ({@link ServerConnection#hasCancelsInFlight()}): the requester reads its own state before the
     * count, and gives a link away only after clearing that state and reading the count, so one of the two always
     * sees the other. A cancel that has not reached the server within {@code timeout} is dropped (PgBouncer:
     * cancel_wait_timeout). Returns the cancel connection's future, closed when the attempt is over, or empty if the
     * cancel was dropped.
     */
    public Optional<ChannelFuture> cancel(EventLoop loop, ServerConnection link, BooleanSupplier stillRunning, Duration timeout) {
        PendingCancels pending = link.pendingCancels();
        pending.begin();
        if (!stillRunning.getAsBoolean()) {
            pending.end(link.eventLoop());
            return Optional.empty();
        }
        Upstream upstream = link.upstream();
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        CancelSender sender = new CancelSender(link.isTls() ? tlsContexts.forUpstream(upstream) : null,
                link.processId(), link.secretKey());
        ChannelFuture connect = new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .handler(sender)
                .connect(upstream.host(), upstream.port());
        Channel channel = connect.channel();
        channel.closeFuture().addListener(closed -> pending.end(link.eventLoop()));
        if (!timeout.isZero()) {
            var timer = loop.schedule(() -> {
                if (sender.sent()) {
                    // The server has the cancel but has not confirmed it: it may still land, so the link must not
                    // serve anyone after its current client.
                    link.markBroken();
                }
                channel.close();
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            channel.closeFuture().addListener(closed -> timer.cancel(false));
        }
        return Optional.of(connect);
    }

    /**
     * Opens a link to the upstream of {@code login}: to its host, or, for several hosts or a target_session_attrs,
     * to the first that accepts and has the role wanted ({@link HostSearch}).
     */
    public CompletableFuture<ServerConnection> connect(EventLoop loop, Login login, Duration timeout) {
        Upstream upstream = login.upstream();
        if (upstream.hosts().size() == 1 && upstream.target() == TargetSessionAttrs.ANY) {
            return connectTo(loop, login, upstream.hosts().get(0), timeout);
        }
        return new HostSearch(this, hosts, loop, login, timeout).start();
    }

    /** Connects and logs in to {@code host}, one host of the login's upstream. */
    CompletableFuture<ServerConnection> connectTo(EventLoop loop, Login upstreamLogin, Upstream.Host host,
                                                  Duration timeout) {
        CompletableFuture<ServerConnection> result = new CompletableFuture<>();
        Login login = upstreamLogin.at(host);
        Upstream upstream = login.upstream();
        ServerLoginHandler handler = new ServerLoginHandler(login, upstream.sslMode().attemptsTls()
                ? tlsContexts.forUpstream(upstream) : null, keyDerivation, result, maxPreparedStatements);
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                .handler(new io.netty.channel.ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (!upstream.sslMode().attemptsTls()) {
                            channel.pipeline().addLast(new MessageFrameDecoder(MessageFrameDecoder.State.TYPED,
                                    MAX_SERVER_MESSAGE_LENGTH));
                        }
                        channel.pipeline().addLast(handler);
                    }
                });
        if (receiveBufferGroup != null) {
            bootstrap.option(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, receiveBufferGroup);
        }
        ChannelFuture connect = bootstrap.connect(upstream.host(), upstream.port());
        connect.addListener(done -> {
            if (!done.isSuccess()) {
                result.completeExceptionally(new ServerLoginFailure(SqlState.CONNECTION_FAILURE,
                        "could not connect to server " + upstream.host() + ":" + upstream.port() + ": "
                                + done.cause().getMessage()));
            }
        });
        if (!timeout.isZero()) {
            var timer = loop.schedule(() -> {
                if (result.completeExceptionally(new ServerLoginFailure(SqlState.CONNECTION_FAILURE,
                        "timed out connecting to server " + upstream.host() + ":" + upstream.port()))) {
                    connect.channel().close();
                }
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            result.whenComplete((link, error) -> timer.cancel(false));
        }
        return result;
    }
}
