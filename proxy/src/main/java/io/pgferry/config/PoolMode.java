package io.pgferry.config;

/** When a server link returns to the pool: at disconnect, at transaction end, or after each statement. */
public enum PoolMode { SESSION, TRANSACTION, STATEMENT }
