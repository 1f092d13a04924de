/**
 * The edge listener, for clients that reach pgferry across the internet in one round trip: Neon-compatible SQL over
 * HTTP ({@code POST /sql}, run on a borrowed pooled link) and PostgreSQL over WebSocket (frames unwrapped into the
 * same client session code as the PostgreSQL port).
 */
package io.pgferry.edge;
