/**
 * The demo and the load-test tool. Uses the testkit's embedded PostgreSQL; never part of the proxy jar.
 */
package io.pgferry.loadtest;
