/**
 * Pools of server links per (database, upstream user): idle links, FIFO waiters with timeouts, and housekeeping
 * (idle timeout, jittered lifetime, minimum idle). Parses no protocol bytes.
 */
package io.pgferry.pool;
