package io.pgferry.config;

import java.nio.file.Path;

/**
 * TLS termination for clients: the mode and the PEM certificate chain and key files. {@code pipelinedLogin}: inside
 * TLS, password users are asked for a cleartext password, which a client may send with its startup.
 * {@code clientCa}: clients may present certificates this CA issued (hba's cert method), or {@code null}.
 */
public record ClientTlsConfig(ClientTlsMode mode, Path certificate, Path key, boolean pipelinedLogin, Path clientCa) {
}
