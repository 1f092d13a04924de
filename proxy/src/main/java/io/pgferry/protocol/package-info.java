/**
 * The PostgreSQL wire protocol (v3): framing, tag constants per direction, flyweight readers that peek at the
 * few fields the proxy needs, and writers for the messages pgferry synthesizes. Holds no channel, pool or
 * configuration state.
 */
package io.pgferry.protocol;
