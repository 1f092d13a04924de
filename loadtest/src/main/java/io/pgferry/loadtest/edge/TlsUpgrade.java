package io.pgferry.loadtest.edge;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The load tool's client side of PostgreSQL's TLS start: SSLRequest, the server's 'S', then a TLS handshake over
 * the same socket. It checks no certificate: the load tool only ever talks to 127.0.0.1.
 */
public final class TlsUpgrade {
    private static final SSLContext TRUSTING = trustingContext();

    private TlsUpgrade() {
    }

    /** Asks for TLS on a connected socket and returns the TLS socket over it, its handshake done. */
    public static Socket upgrade(Socket plain) throws IOException {
        plain.getOutputStream().write(Wire.sslRequest());
        int answer = plain.getInputStream().read();
        if (answer != 'S') {
            plain.close();
            throw new IOException("server refused TLS (answered " + (char) answer + ")");
        }
        SSLSocket secured = (SSLSocket) TRUSTING.getSocketFactory().createSocket(plain,
                plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        secured.startHandshake();
        return secured;
    }

    /** TLS from the first byte (direct TLS, HTTPS, WSS); returns the TLS socket, its handshake done. */
    public static Socket direct(Socket plain) throws IOException {
        SSLSocket secured = (SSLSocket) TRUSTING.getSocketFactory().createSocket(plain,
                plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        secured.startHandshake();
        return secured;
    }

    private static SSLContext trustingContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
