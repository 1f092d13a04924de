package io.pgferry.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * SCRAM's {@code tls-server-end-point} channel binding (RFC 5929): the hash of the server's certificate, with the
 * hash of its signature algorithm, SHA-256 for MD5 and SHA-1. A client that checks it knows its SCRAM exchange
 * ran over the TLS connection to the certificate it verified, not through a relay.
 */
public final class ChannelBinding {
    public static final String TYPE = "tls-server-end-point";

    private ChannelBinding() {
    }

    /** The binding data for {@code certificate}, the one pgferry presents to the client. */
    public static byte[] tlsServerEndPoint(X509Certificate certificate) {
        String signature = certificate.getSigAlgName().toUpperCase(Locale.ROOT);
        String hash = signature.startsWith("SHA384") ? "SHA-384" : signature.startsWith("SHA512") ? "SHA-512"
                : "SHA-256";
        try {
            return MessageDigest.getInstance(hash).digest(certificate.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot hash the server certificate for channel binding", e);
        }
    }
}
