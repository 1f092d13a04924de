/**
 * Configuration: immutable records, the HOCON loader with validation (errors name the key), and upstream URL
 * parsing. Read at start and on reload; never consulted on the per-message hot path except through the records.
 */
package io.pgferry.config;
