/**
 * Meters for Prometheus: pool, client, pin and prepared-statement gauges read from the live objects at scrape
 * time (through small interfaces such as {@link io.pgferry.metrics.PoolGauges}, so this package depends on no
 * layer above it), plus JVM and process metrics. What the per-transaction path touches is kept cheap: the pools' timers and
 * counters, and {@link io.pgferry.metrics.LoopClock}, which reads the clock once per pass of an event loop.
 */
package io.pgferry.metrics;
