package io.pgferry.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageFrameDecoderTest {
    /** Query("SELECT 1"), Sync, and a Parse with an empty name: three typed messages back to back. */
    private static byte[] threeMessages() {
        ByteBuf buffer = Unpooled.buffer();
        ByteBuf query = FrontendMessages.query(Unpooled.buffer().alloc(), "SELECT 1");
        buffer.writeBytes(query);
        query.release();
        buffer.writeBytes(new byte[] {'S', 0, 0, 0, 4});
        buffer.writeBytes(new byte[] {'P', 0, 0, 0, 9, 0, 'x', 0, 0, 0});
        byte[] bytes = ByteBufUtil.getBytes(buffer);
        buffer.release();
        return bytes;
    }

    private static List<byte[]> drain(EmbeddedChannel channel) {
        List<byte[]> frames = new ArrayList<>();
        ByteBuf frame;
        while ((frame = channel.readInbound()) != null) {
            frames.add(ByteBufUtil.getBytes(frame));
            frame.release();
        }
        return frames;
    }

    @Test
    void splitsAtEveryOffsetIntoTheSameFrames() {
        byte[] input = threeMessages();
        for (int split = 0; split <= input.length; split++) {
            EmbeddedChannel channel = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.State.TYPED, 1024));
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            channel.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
            List<byte[]> frames = drain(channel);
            assertEquals(3, frames.size(), "split at " + split);
            assertEquals('Q', frames.get(0)[0]);
            assertArrayEquals(new byte[] {'S', 0, 0, 0, 4}, frames.get(1));
            assertEquals(10, frames.get(2).length);
            assertFalse(channel.finish());
        }
    }

    @Test
    void byteByByte() {
        byte[] input = threeMessages();
        EmbeddedChannel channel = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.State.TYPED, 1024));
        List<byte[]> frames = new ArrayList<>();
        for (byte b : input) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            frames.addAll(drain(channel));
        }
        assertEquals(3, frames.size());
        assertFalse(channel.finish());
    }

    @Test
    void startupFramesThenPasswordFramesThenClientFrames() {
        MessageFrameDecoder decoder = new MessageFrameDecoder(MessageFrameDecoder.State.STARTUP, 1024);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        ByteBuf startup = FrontendMessages.startupMessage(channel.alloc(), Map.of("user", "u", "database", "d"));
        channel.writeInbound(startup);
        ByteBuf frame = channel.readInbound();
        assertEquals(StartupCode.PROTOCOL_3_0, StartupMessage.code(frame));
        assertEquals(Map.of("user", "u", "database", "d"), StartupMessage.parameters(frame));
        frame.release();
        decoder.startAuthentication();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'p', 0, 0, 0, 5, 0}));
        frame = channel.readInbound();
        assertEquals('p', Messages.type(frame));
        frame.release();
        decoder.startFrontendMessages();
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'S', 0, 0, 0, 4}));
        frame = channel.readInbound();
        assertEquals('S', Messages.type(frame));
        frame.release();
        assertFalse(channel.finish());
    }

    @Test
    void lengthBelowFourIsAProtocolViolation() {
        EmbeddedChannel channel = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.State.TYPED, 1024));
        DecoderException e = assertThrows(DecoderException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'Q', 0, 0, 0, 3})));
        assertInstanceOf(ProtocolViolation.class, e.getCause());
        assertNull(channel.readInbound());
        assertFalse(channel.finish());
    }

    @Test
    void oversizedMessageIsRejectedBeforeItIsBuffered() {
        EmbeddedChannel channel = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.State.TYPED, 1024));
        DecoderException e = assertThrows(DecoderException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'Q', 0, 0, 4, 1})));
        assertInstanceOf(ProtocolViolation.class, e.getCause());
        assertEquals("message length 1025 exceeds the limit of 1024 bytes", e.getCause().getMessage());
        assertFalse(channel.finish());
    }

    @Test
    void oversizedStartupPacketIsRejected() {
        EmbeddedChannel channel = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.State.STARTUP, 1 << 20));
        DecoderException e = assertThrows(DecoderException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 0})));
        assertInstanceOf(ProtocolViolation.class, e.getCause());
        assertFalse(channel.finish());
    }

    /** Issue 22.6: a second StartupMessage or an SSLRequest during SCRAM fails at its first byte, not after 64 KiB. */
    @Test
    void duringAuthenticationAnythingButAPasswordMessageFailsAtItsTypeByte() {
        for (byte first : new byte[] {0, 'Q', 'X', 'S'}) {
            MessageFrameDecoder decoder = new MessageFrameDecoder(MessageFrameDecoder.State.STARTUP, 1 << 28);
            decoder.startAuthentication();
            EmbeddedChannel channel = new EmbeddedChannel(decoder);
            DecoderException e = assertThrows(DecoderException.class,
                    () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {first})));
            assertEquals("expected password response, got message type " + first, e.getCause().getMessage());
            assertFalse(channel.finish());
        }
    }

    /** Issue 22.3: before login, max-message-size does not apply; PostgreSQL's 65,535-byte bound does. */
    @Test
    void aPasswordMessageIsBoundedByPostgresqlsLimitNotTheConfiguredOne() {
        MessageFrameDecoder decoder = new MessageFrameDecoder(MessageFrameDecoder.State.STARTUP, 1 << 28);
        decoder.startAuthentication();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        DecoderException e = assertThrows(DecoderException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'p', 0, 1, 0, 0})));
        assertEquals("message length 65536 exceeds the limit of 65535 bytes", e.getCause().getMessage());
        assertFalse(channel.finish());
    }

    @Test
    void aLoggedInClientsUnknownTypeByteFailsAtOnce() {
        MessageFrameDecoder decoder = new MessageFrameDecoder(MessageFrameDecoder.State.FRONTEND, 1024);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        DecoderException e = assertThrows(DecoderException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'z'})));
        assertEquals("invalid frontend message type 122", e.getCause().getMessage());
        assertFalse(channel.finish());
    }

    /** A pipelined first query waits, unframed, while the password before it is checked, then comes out whole. */
    @Test
    void bytesAfterAPasswordAreHeldUntilFramingResumes() throws Exception {
        MessageFrameDecoder decoder = new MessageFrameDecoder(MessageFrameDecoder.State.AUTHENTICATION, 1024);
        List<Byte> seen = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(decoder, new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                ByteBuf frame = (ByteBuf) msg;
                seen.add(Messages.type(frame));
                if (Messages.type(frame) == FrontendTag.PASSWORD) {
                    decoder.hold();
                }
                frame.release();
            }
        });
        ByteBuf query = FrontendMessages.query(channel.alloc(), "SELECT 1");
        channel.writeInbound(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[] {'p', 0, 0, 0, 5, 0}), query));
        assertEquals(List.of(FrontendTag.PASSWORD), seen, "a Query may not come before the login ends");
        decoder.startFrontendMessages();
        decoder.frameHeldBytes(channel.pipeline().context(decoder));
        assertEquals(List.of(FrontendTag.PASSWORD, FrontendTag.QUERY), seen);
        assertFalse(channel.finish());
    }

    /** A browser or an HTTP health check on the PostgreSQL port is told what it is, not a 1195725856-byte length. */
    @Test
    void httpOnThePostgresqlPortIsNamed() {
        EmbeddedChannel channel = new EmbeddedChannel(new MessageFrameDecoder(MessageFrameDecoder.State.STARTUP, 1024));
        DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(
                Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", java.nio.charset.StandardCharsets.US_ASCII)));
        assertEquals("not a PostgreSQL client (looks like HTTP)", e.getCause().getMessage());
        assertFalse(channel.finish());
    }
}
