/**
 * The PostgreSQL wire protocol (v3): framing (cutting a byte stream into messages, and joining messages that
 * arrived back to back into one write), tag constants per direction, flyweight readers that peek at the few fields
 * the proxy needs, and writers for the messages pgferry synthesizes. Holds no channel, pool or configuration state.
 */
package io.pgferry.protocol;
