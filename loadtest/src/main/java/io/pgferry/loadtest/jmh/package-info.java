/**
 * JMH benchmarks of pgferry's per-message hot paths: framing, the Bind rename splice and the expected-reply
 * queue. Run them all with {@code java -jar loadtest/target/pgferry-loadtest.jar jmh} (JMH options may follow).
 */
package io.pgferry.loadtest.jmh;
