/**
 * The operator's HTTP port: {@code /metrics} for Prometheus, {@code /health} and {@code /ready} for Kubernetes
 * probes. Netty HTTP on the proxy's event loops; requests are rare and small.
 */
package io.pgferry.http;
