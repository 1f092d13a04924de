package io.pgferry.config;

import java.nio.file.Path;

/** TLS termination for clients: the mode and the PEM certificate chain and key files. */
public record ClientTlsConfig(ClientTlsMode mode, Path certificate, Path key) {
}
