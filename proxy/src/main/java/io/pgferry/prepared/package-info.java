/**
 * Prepared statements across pooled servers: one registry of statements keyed by query text and parameter
 * types with server-side names that are never reused, each client's name map, and each server link's LRU of
 * what is prepared there. Knows nothing of sockets.
 */
package io.pgferry.prepared;
