package io.pgferry.config;

/**
 * Whether a database's read-only statements outside transactions go to standbys: {@code off} sends everything to
 * the entry's upstream as its target_session_attrs says; {@code auto} sends a client's read-only requests to a
 * standby (prefer-standby) unless it wrote within read-your-writes-window.
 */
public enum ReadRouting { OFF, AUTO }
