/**
 * TLS contexts: the one pgferry presents to clients (certificate and key from the configuration) and the ones
 * it uses toward upstream servers per sslmode. Builds contexts only; handshakes happen in the pipelines.
 */
package io.pgferry.tls;
