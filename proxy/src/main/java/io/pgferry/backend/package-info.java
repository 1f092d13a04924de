/**
 * One server link to PostgreSQL: connect, TLS, authentication, the ordered queue of replies the link expects,
 * reset before reuse, and {@link io.pgferry.backend.LinkState}, the one place that changes what a link carries from
 * one user to the next (prepared statements, the unnamed statement, session parameters), for any kind of client.
 * Decides no client policy (pool mode, who gets the link): that is {@code pool}'s and the clients' job.
 */
package io.pgferry.backend;
