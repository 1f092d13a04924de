package io.pgferry.testkit;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority and one server certificate for {@code localhost} and {@code 127.0.0.1},
 * written as PEM files. Used by the test fixture (PostgreSQL's and pgferry's TLS) and by the demo.
 */
public final class TestCertificates {
    /** The common name of the client certificate: the test proxy's application user. */
    public static final String CLIENT_USER = "alice";
    private final Path caCertificate;
    private final Path serverCertificate;
    private final Path serverKey;

    private TestCertificates(Path caCertificate, Path serverCertificate, Path serverKey) {
        this.caCertificate = caCertificate;
        this.serverCertificate = serverCertificate;
        this.serverKey = serverKey;
    }

    /**
     * Writes {@code ca.crt}, {@code server.crt} and {@code server.key} into {@code directory}, and a client certificate
     * for the user {@link #CLIENT_USER} ({@code client.crt}, {@code client.key}, readable by its owner only, as libpq
     * requires).
     */
    public static TestCertificates generate(Path directory) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair caKeys = generator.generateKeyPair();
            KeyPair serverKeys = generator.generateKeyPair();
            X500Name caName = new X500Name("CN=pgferry test CA");
            X509Certificate ca = sign(caName, caName, caKeys, caKeys, true);
            X509Certificate server = sign(caName, new X500Name("CN=localhost"), caKeys, serverKeys, false);
            KeyPair clientKeys = generator.generateKeyPair();
            X509Certificate client = sign(caName, new X500Name("CN=" + CLIENT_USER), caKeys, clientKeys, false);
            Files.createDirectories(directory);
            TestCertificates files = new TestCertificates(
                    directory.resolve("ca.crt"), directory.resolve("server.crt"), directory.resolve("server.key"));
            Files.writeString(files.caCertificate, pem(ca));
            Files.writeString(files.serverCertificate, pem(server));
            Files.writeString(files.serverKey, pem(serverKeys.getPrivate()));
            Files.writeString(files.clientCertificate(), pem(client));
            Files.writeString(files.clientKey(), pem(clientKeys.getPrivate()));
            Files.setPosixFilePermissions(files.clientKey(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            return files;
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate test certificates", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate sign(X500Name issuer, X500Name subject, KeyPair issuerKeys, KeyPair subjectKeys,
                                        boolean authority) throws GeneralSecurityException, OperatorCreationException,
            IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(365))), subject, subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
        if (!authority) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        X509CertificateHolder holder = builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object instanceof java.security.PrivateKey key
                    ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null) : object);
        }
        return out.toString();
    }

    public Path caCertificate() {
        return caCertificate;
    }

    public Path serverCertificate() {
        return serverCertificate;
    }

    public Path serverKey() {
        return serverKey;
    }

    /** A certificate the test CA issued to {@link #CLIENT_USER}, for client-certificate logins. */
    public Path clientCertificate() {
        return caCertificate.resolveSibling("client.crt");
    }

    public Path clientKey() {
        return caCertificate.resolveSibling("client.key");
    }
}
