package io.pgferry.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.pgferry.config.ServerSslMode;
import io.pgferry.config.Upstream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;

/**
 * Client-side TLS contexts for upstream servers, one per (sslmode, root certificate), built once and shared.
 * As in libpq: {@code prefer}/{@code require} encrypt without checking the certificate, {@code verify-ca} checks
 * the chain, {@code verify-full} also checks the host name. Handshakes compute on the given workers, off the event
 * loops. Thread-safe.
 */
public final class ServerTlsContexts {
    private record Key(boolean verifyChain, boolean verifyHost, Path rootCertificate) {
    }

    private final Map<Key, SslContext> contexts = new ConcurrentHashMap<>();
    private final Executor handshakeWorkers;

    public ServerTlsContexts(Executor handshakeWorkers) {
        this.handshakeWorkers = handshakeWorkers;
    }

    public UpstreamTls forUpstream(Upstream upstream) {
        ServerSslMode mode = upstream.sslMode();
        boolean verifyChain = mode == ServerSslMode.VERIFY_CA || mode == ServerSslMode.VERIFY_FULL;
        Key key = new Key(verifyChain, mode == ServerSslMode.VERIFY_FULL, verifyChain ? upstream.rootCertificate() : null);
        return new UpstreamTls(contexts.computeIfAbsent(key, ServerTlsContexts::build), upstream, handshakeWorkers);
    }

    private static SslContext build(Key key) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2)
                    // Netty 4.2 checks host names by default; libpq does so only in verify-full.
                    .endpointIdentificationAlgorithm(key.verifyHost ? "HTTPS" : null);
            if (!key.verifyChain) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (key.rootCertificate != null) {
                builder.trustManager(key.rootCertificate.toFile());
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot build upstream TLS context: " + e.getMessage(), e);
        }
    }
}
