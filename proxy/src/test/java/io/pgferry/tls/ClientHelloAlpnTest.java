package io.pgferry.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** ALPN read from real ClientHellos, made by the JDK's TLS client. */
class ClientHelloAlpnTest {

    private static ByteBuf clientHello(String... alpn) throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 5432);
        engine.setUseClientMode(true);
        if (alpn.length > 0) {
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setApplicationProtocols(alpn);
            engine.setSSLParameters(parameters);
        }
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        return Unpooled.wrappedBuffer(out);
    }

    @Test
    void readsTheOfferedProtocols() throws Exception {
        ByteBuf hello = clientHello("postgresql", "h2");
        assertEquals(ClientHelloAlpn.HANDSHAKE_RECORD, hello.getByte(0));
        assertEquals(hello.readableBytes(), ClientHelloAlpn.recordLength(hello));
        assertEquals(List.of("postgresql", "h2"), ClientHelloAlpn.offered(hello));
        assertEquals(0, hello.readerIndex(), "nothing consumed");
    }

    @Test
    void aHelloWithoutAlpnOffersNothing() throws Exception {
        assertEquals(List.of(), ClientHelloAlpn.offered(clientHello()));
    }

    @Test
    void truncatedOrCorruptHellosOfferNothingAndNeverThrow() throws Exception {
        ByteBuf hello = clientHello("postgresql");
        for (int length = 0; length < hello.readableBytes(); length++) {
            assertEquals(List.of(), ClientHelloAlpn.offered(hello.slice(0, length)), "truncated at " + length);
        }
        ByteBuf corrupt = hello.copy();
        for (int at = 5; at < corrupt.readableBytes(); at += 7) {
            corrupt.setByte(at, 0xFF);
            assertDoesNotThrow(() -> ClientHelloAlpn.offered(corrupt), "corrupted at " + at);
        }
    }
}
