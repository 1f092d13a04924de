package io.pgferry.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebSocketBridgeTest {

    @Test
    void binaryPayloadsPassOnAsTheyAreAndBuffersLeaveAsBinaryFrames() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketBridge());
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.copiedBuffer("Q\0\0", StandardCharsets.US_ASCII)));
        channel.writeInbound(new ContinuationWebSocketFrame(Unpooled.copiedBuffer("\0\r", StandardCharsets.US_ASCII)));
        ByteBuf first = channel.readInbound();
        ByteBuf second = channel.readInbound();
        assertEquals("Q\0\0", first.toString(StandardCharsets.US_ASCII), "not aligned to messages: framed later");
        assertEquals("\0\r", second.toString(StandardCharsets.US_ASCII));
        first.release();
        second.release();

        channel.writeOutbound(Unpooled.copiedBuffer("Z", StandardCharsets.US_ASCII));
        BinaryWebSocketFrame out = channel.readOutbound();
        assertEquals("Z", out.content().toString(StandardCharsets.US_ASCII));
        out.release();
        assertFalse(channel.finish());
    }

    @Test
    void pingGetsPongAndCloseCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketBridge());
        channel.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("hi", StandardCharsets.US_ASCII)));
        PongWebSocketFrame pong = channel.readOutbound();
        assertEquals("hi", pong.content().toString(StandardCharsets.US_ASCII));
        pong.release();
        channel.writeInbound(new CloseWebSocketFrame());
        assertFalse(channel.isOpen());
    }

    @Test
    void aTextFrameIsRefusedWith1003() {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocketBridge());
        channel.writeInbound(new TextWebSocketFrame("SELECT 1"));
        CloseWebSocketFrame close = assertInstanceOf(CloseWebSocketFrame.class, channel.readOutbound());
        assertEquals(1003, close.statusCode());
        close.release();
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }
}
