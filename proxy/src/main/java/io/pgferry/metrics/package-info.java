/**
 * Meters for Prometheus: pool, client, pin and prepared-statement gauges read from the live objects at scrape
 * time, plus JVM and process metrics. Nothing here runs on the per-message hot path.
 */
package io.pgferry.metrics;
