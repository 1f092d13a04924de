/**
 * The admin console: the virtual databases {@code pgbouncer} and {@code pgferry}, answering SHOW commands over
 * the simple query protocol with PgBouncer's column names and order, so its tools and runbooks work. Reads pool
 * and configuration state through {@code context}, never {@code frontend}; never on a client's hot path.
 */
package io.pgferry.admin;
