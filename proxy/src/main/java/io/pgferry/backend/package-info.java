/**
 * One server link to PostgreSQL: connect, TLS, authentication, the ordered queue of replies the link expects,
 * and reset before reuse. Decides no client policy (pool mode, who gets the link): that is {@code pool}'s and
 * {@code frontend}'s job.
 */
package io.pgferry.backend;
