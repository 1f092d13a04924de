package io.pgferry.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.SslProvider;
import io.pgferry.config.ClientTlsConfig;
import javax.net.ssl.SSLException;

/**
 * Builds the server-side TLS context that terminates client connections: TLS 1.3 preferred, 1.2 accepted. Netty
 * takes BoringSSL (netty-tcnative) where it loads and the JDK's TLS elsewhere; a connection's handshake costs a
 * quarter of the CPU time through BoringSSL (loadtest/INVESTIGATIONS.md).
 */
public final class ClientTlsContext {
    private ClientTlsContext() {
    }

    /** Which TLS implementation client and server contexts use, for the startup log line. */
    public static String implementation() {
        return SslContext.defaultServerProvider() == SslProvider.JDK ? "the JDK" : OpenSsl.versionString();
    }

    /** Returns {@code null} when client TLS is disabled. */
    public static SslContext build(ClientTlsConfig config) {
        // PostgreSQL 17's ALPN name, chosen when a client offers it; a client that offers none is served.
        return build(config, "postgresql");
    }

    /** The edge listener's context: HTTP/2 or HTTP/1.1 by ALPN; {@code null} when client TLS is disabled. */
    public static SslContext forHttp(ClientTlsConfig config) {
        return build(config, ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    }

    private static SslContext build(ClientTlsConfig config, String... protocols) {
        if (!config.mode().offersTls()) {
            return null;
        }
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(config.certificate().toFile(), config.key().toFile());
            if (config.clientCa() != null) {
                // Asked for, not required: hba rules decide who must present one.
                builder.trustManager(config.clientCa().toFile()).clientAuth(ClientAuth.OPTIONAL);
            }
            return builder.protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols))
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot load TLS certificate " + config.certificate() + " and key "
                    + config.key() + ": " + e.getMessage(), e);
        }
    }
}
