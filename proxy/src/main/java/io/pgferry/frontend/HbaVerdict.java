package io.pgferry.frontend;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslHandler;
import io.pgferry.config.AuthMethod;
import io.pgferry.config.HbaRules;
import io.pgferry.config.UserConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * What the hba rules say of one client: the method it authenticates with, or why it is refused, in PostgreSQL's
 * words: no matching line, a reject line, or a client certificate missing or issued to someone else (the cert
 * method and {@code clientcert=verify-full} want the certificate's CN to be the user name, or mapped to it).
 */
final class HbaVerdict {
    private static final Pattern COMMON_NAME = Pattern.compile("(?:^|,)CN=([^,]+)");

    private final AuthMethod method;
    private final String refusal;

    private HbaVerdict(AuthMethod method, String refusal) {
        this.method = method;
        this.refusal = refusal;
    }

    static HbaVerdict of(HbaRules hba, Channel channel, ClientStartup startup, UserConfig user) {
        HbaRules.Connection connection = channel.remoteAddress() instanceof DomainSocketAddress
                ? HbaRules.Connection.LOCAL : channel.pipeline().get(SslHandler.class) != null
                ? HbaRules.Connection.HOST_SSL : HbaRules.Connection.HOST_NO_SSL;
        InetAddress address = channel.remoteAddress() instanceof InetSocketAddress ip ? ip.getAddress() : null;
        String database = startup.database();
        String name = startup.user();
        HbaRules.Decision decision = hba.decide(connection, address, database, name);
        if (decision == HbaRules.Decision.REJECT) {
            String who = "host \"" + (address == null ? "[local]" : address.getHostAddress()) + "\", user \"" + name
                    + "\", database \"" + database + "\", "
                    + (connection == HbaRules.Connection.HOST_SSL ? "SSL on" : "SSL off");
            return new HbaVerdict(null, hba.anyMatches(connection, address, database, name)
                    ? "pg_hba.conf rejects connection for " + who : "no pg_hba.conf entry for " + who);
        }
        HbaRules.CertificateCheck check = hba.certificateCheck(connection, address, database, name);
        if (check != HbaRules.CertificateCheck.NONE) {
            X509Certificate certificate = peerCertificate(channel);
            if (certificate == null) {
                return new HbaVerdict(null, "connection requires a valid client certificate");
            }
            if (check == HbaRules.CertificateCheck.VERIFY_FULL
                    && !hba.certificateNameAccepted(connection, address, database, name, commonName(certificate))) {
                return new HbaVerdict(null, decision == HbaRules.Decision.CERT
                        ? "certificate authentication failed for user \"" + name + "\""
                        : "certificate validation (clientcert=verify-full) failed for user \"" + name
                                + "\": CN mismatch");
            }
        }
        return new HbaVerdict(method(decision, user), null);
    }

    private static AuthMethod method(HbaRules.Decision decision, UserConfig user) {
        return switch (decision) {
            // The certificate checked above is the credential.
            case TRUST, CERT -> AuthMethod.TRUST;
            case PASSWORD -> AuthMethod.PASSWORD;
            // As PostgreSQL: md5 runs SCRAM for a user whose password is stored only as a SCRAM verifier.
            case MD5 -> user != null && user.md5() == null && user.scram() != null ? AuthMethod.SCRAM_SHA_256
                    : AuthMethod.MD5;
            case SCRAM_SHA_256 -> AuthMethod.SCRAM_SHA_256;
            case REJECT -> throw new IllegalStateException("a refusal has no method");
        };
    }

    /** The certificate the client presented and the client CA verified, or {@code null}. */
    private static X509Certificate peerCertificate(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate certificate ? certificate : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static String commonName(X509Certificate certificate) {
        Matcher name = COMMON_NAME.matcher(certificate.getSubjectX500Principal().getName());
        return name.find() ? name.group(1) : null;
    }

    /** The method the client authenticates with; {@code null} when refused. */
    AuthMethod method() {
        return method;
    }

    /** Why the client is refused, or {@code null}. */
    String refusal() {
        return refusal;
    }
}
