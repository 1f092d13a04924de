/**
 * The edge experiment: stateless workers that connect, run one query and disconnect, measured through a
 * latency relay that stands in for network distance, against PostgreSQL directly and through pgferry.
 */
package io.pgferry.loadtest.edge;
