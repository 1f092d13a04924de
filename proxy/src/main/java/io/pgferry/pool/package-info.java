/**
 * Pools of server links per (database, upstream user): routing a client to its pool ({@code Pools.route}), idle
 * links, FIFO waiters with timeouts, and housekeeping (idle timeout, jittered lifetime, minimum idle, unused auto
 * pools). Parses no protocol bytes.
 */
package io.pgferry.pool;
