/**
 * Client connections on the PostgreSQL port: the startup phase (SSLRequest, GSSENCRequest, CancelRequest,
 * StartupMessage), client authentication, and the session that forwards a client's requests to the server link it
 * holds. Gets its services from {@code context}, its pool from {@code pool}'s routing, and changes what a link
 * carries only through {@code backend}'s {@code LinkState}.
 */
package io.pgferry.frontend;
