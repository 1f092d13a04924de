package io.pgferry.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.ConfigFactory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.pgferry.CpuWorkers;
import io.pgferry.auth.KeyDerivation;
import io.pgferry.backend.ServerConnector;
import io.pgferry.config.ConfigLoader;
import io.pgferry.config.ProxyConfig;
import io.pgferry.context.ProxyContext;
import io.pgferry.metrics.ProxyMetrics;
import io.pgferry.protocol.BackendTag;
import io.pgferry.protocol.ErrorFields;
import io.pgferry.tls.ServerTlsContexts;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Random and mutated bytes into the real frontend pipeline of a client connection (framing, SSLRequest and
 * GSSENCRequest, CancelRequest, StartupMessage, SCRAM and MD5 exchanges), on an {@link EmbeddedChannel} so each
 * input runs on this thread. Every input must end in an ErrorResponse that is not an internal error, or in nothing
 * (waiting for more bytes); no exception may escape or be logged; and handling one input may allocate at most a
 * few times the pre-login bounds (10,000 and 65,535 bytes), whatever lengths it claims (issue 22).
 *
 * <p>CI runs it for a few seconds. A longer run, with the seed it prints to reproduce a failure:
 * {@code mvn -pl proxy test -Dtest=FrontendFuzzTest -Dpgferry.fuzz.seconds=600 [-Dpgferry.fuzz.seed=N]}
 */
class FrontendFuzzTest {
    /** Per input, on this thread: frames, error replies and the decoder's cumulation, with room to spare. */
    private static final long MAX_ALLOCATED_PER_INPUT = 4L << 20;
    private static final int[] SPECIAL_INTS = {0, -1, 1, 3, 4, 5, 8, 9, 10_000, 10_001, 65_535, 65_536, 0x7FFFFFF0,
            0x7FFFFFFF, 0x80000000, 80877102, 80877103, 80877104, 196608, 196610};

    private static CpuWorkers workers;
    private static FrontendContext context;
    private static ListAppender<ILoggingEvent> logged;
    private static Logger root;
    private static Logger connections;
    private static Level connectionsLevel;

    @BeforeAll
    static void start() {
        ProxyConfig config = ConfigLoader.fromConfig(ConfigFactory.parseString("""
                pgferry {
                  listen = "127.0.0.1:0"
                  max-client-connections = 1000000
                  databases { app { upstream = "postgres://u:p@127.0.0.1:1/app?sslmode=disable" } }
                  users {
                    alice { password = "alice-secret" }
                    md5_user { password = "md5-secret", auth-method = md5 }
                  }
                }
                """));
        workers = new CpuWorkers(1);
        KeyDerivation keyDerivation = new KeyDerivation(workers);
        ServerConnector connector = new ServerConnector(NioSocketChannel.class, null, new ServerTlsContexts(workers),
                keyDerivation, 10, new io.pgferry.backend.UpstreamHosts(java.time.Duration.ZERO, System::nanoTime, (host, state) -> { }));
        context = new FrontendContext(new ProxyContext(config, null, connector, keyDerivation, workers, new ProxyMetrics()));
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        // Every rejected input logs its disconnection at INFO; thousands of such lines say nothing here.
        connections = (Logger) LoggerFactory.getLogger(ClientChannelInitializer.class);
        connectionsLevel = connections.getLevel();
        connections.setLevel(Level.WARN);
    }

    @AfterAll
    static void stop() {
        root.detachAppender(logged);
        connections.setLevel(connectionsLevel);
        workers.close();
    }

    @Test
    void noInputHurtsTheLoginPath() {
        long seed = Long.getLong("pgferry.fuzz.seed", System.nanoTime());
        long deadline = System.nanoTime() + Long.getLong("pgferry.fuzz.seconds", 4L) * 1_000_000_000L;
        SplittableRandom random = new SplittableRandom(seed);
        List<byte[]> seeds = seeds();
        // Class loading and first-use initialisation allocate once; they are not what an input costs.
        for (int round = 0; round < 3; round++) {
            for (byte[] opening : seeds) {
                run(opening, random, seed, -1, false);
            }
        }
        int inputs = 0;
        while (System.nanoTime() < deadline || inputs < 500) {
            byte[] input = random.nextInt(8) == 0 ? randomBytes(random, random.nextInt(300))
                    : mutate(random, seeds.get(random.nextInt(seeds.size())), seeds);
            run(input, random, seed, inputs, true);
            inputs++;
        }
        List<ILoggingEvent> warnings = logged.list.stream().filter(event -> event.getLevel().isGreaterOrEqual(Level.WARN))
                .toList();
        assertEquals(List.of(), warnings.stream().map(ILoggingEvent::getFormattedMessage).toList(),
                "seed " + seed + ": nothing but protocol violations, which are not logged above INFO");
        System.out.println("FrontendFuzzTest: " + inputs + " inputs, seed " + seed);
    }

    private static void run(byte[] input, SplittableRandom random, long seed, int index, boolean measure) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String what = "seed " + seed + ", input " + index + ": " + ByteBufUtil.hexDump(input, 0, Math.min(input.length, 200));
        long before = threads.getCurrentThreadAllocatedBytes();
        EmbeddedChannel channel = new EmbeddedChannel();
        try {
            ClientChannelInitializer.initialize(channel, context);
            for (byte[] chunk : chunks(random, input)) {
                if (!channel.isOpen()) {
                    break;
                }
                channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            }
            checkReplies(channel, what);
        } catch (RuntimeException e) {
            fail(what, e);
        } finally {
            channel.finishAndReleaseAll();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(!measure || allocated < MAX_ALLOCATED_PER_INPUT, allocated + " bytes allocated for " + what);
    }

    /** Every ErrorResponse pgferry wrote is a refusal, not an internal error. */
    private static void checkReplies(EmbeddedChannel channel, String what) {
        for (Object written; (written = channel.readOutbound()) != null; ) {
            ByteBuf reply = (ByteBuf) written;
            try {
                if (reply.readableBytes() > 5 && reply.getByte(0) == BackendTag.ERROR_RESPONSE) {
                    String sqlState = ErrorFields.read(reply).sqlState();
                    assertTrue(!sqlState.startsWith("XX"), sqlState + " for " + what);
                }
            } finally {
                reply.release();
            }
        }
    }

    private static List<byte[]> chunks(SplittableRandom random, byte[] input) {
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        boolean byteByByte = input.length < 64 && random.nextInt(4) == 0;
        while (at < input.length) {
            int size = byteByByte ? 1 : 1 + random.nextInt(Math.max(1, input.length - at));
            chunks.add(java.util.Arrays.copyOfRange(input, at, at + size));
            at += size;
        }
        return chunks;
    }

    private static byte[] mutate(SplittableRandom random, byte[] original, List<byte[]> seeds) {
        byte[] bytes = original.clone();
        int mutations = 1 + random.nextInt(4);
        for (int i = 0; i < mutations && bytes.length > 0; i++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(8)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) new int[] {0, 0xFF, 0x7F, 0x80, 'p', 'Q', 'X'}[random.nextInt(7)];
                case 2 -> {
                    if (at + 4 <= bytes.length) {
                        ByteBuffer.wrap(bytes, at, 4).putInt(SPECIAL_INTS[random.nextInt(SPECIAL_INTS.length)]);
                    }
                }
                case 3 -> bytes = concat(java.util.Arrays.copyOf(bytes, at), randomBytes(random, random.nextInt(16)),
                        java.util.Arrays.copyOfRange(bytes, at, bytes.length));
                case 4 -> bytes = concat(java.util.Arrays.copyOf(bytes, at),
                        java.util.Arrays.copyOfRange(bytes, Math.min(bytes.length, at + 1 + random.nextInt(8)), bytes.length));
                case 5 -> bytes = java.util.Arrays.copyOf(bytes, at);
                case 6 -> bytes = concat(bytes, seeds.get(random.nextInt(seeds.size())));
                default -> bytes = concat(bytes, randomBytes(random, random.nextInt(32)));
            }
        }
        return bytes;
    }

    /** Well-formed openings that reach each part of the login path. */
    private static List<byte[]> seeds() {
        byte[] alice = startup(196608, "user", "alice", "database", "app");
        byte[] saslInitial = sasl("n,,n=,r=clientnonce");
        byte[] saslFinal = typed('p', "c=biws,r=clientnonceSERVER,p=AAAA".getBytes(StandardCharsets.US_ASCII));
        return List.of(
                alice,
                concat(ByteBuffer.allocate(8).putInt(8).putInt(80877103).array(), alice),
                concat(ByteBuffer.allocate(8).putInt(8).putInt(80877104).array(), alice),
                concat(alice, saslInitial),
                concat(alice, saslInitial, saslFinal),
                concat(startup(196608, "user", "md5_user", "database", "app"),
                        typed('p', "md5d41d8cd98f00b204e9800998ecf8427e\0".getBytes(StandardCharsets.US_ASCII))),
                concat(startup(196610, "user", "nobody", "database", "pgbouncer", "options", "-c a=b",
                        "_pq_.x", "1"), saslInitial),
                ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(7).putInt(9).array(),
                concat(alice, startup(196608, "user", "postgres", "database", "app")));
    }

    private static byte[] startup(int version, String... parameters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String parameter : parameters) {
            body.writeBytes(parameter.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        return ByteBuffer.allocate(8 + body.size()).putInt(8 + body.size()).putInt(version).put(body.toByteArray())
                .array();
    }

    private static byte[] sasl(String clientFirst) {
        byte[] mechanism = "SCRAM-SHA-256\0".getBytes(StandardCharsets.US_ASCII);
        byte[] data = clientFirst.getBytes(StandardCharsets.US_ASCII);
        return typed('p', ByteBuffer.allocate(mechanism.length + 4 + data.length).put(mechanism).putInt(data.length)
                .put(data).array());
    }

    private static byte[] typed(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
