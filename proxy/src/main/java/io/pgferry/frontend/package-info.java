/**
 * Client connections: the startup phase (SSLRequest, GSSENCRequest, CancelRequest, StartupMessage), client
 * authentication, and the session that forwards a client's requests to the server link it holds. Reaches
 * servers only through {@code pool}.
 */
package io.pgferry.frontend;
