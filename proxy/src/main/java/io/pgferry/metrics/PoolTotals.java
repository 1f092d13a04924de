package io.pgferry.metrics;

/** Running totals of one pool (times in microseconds), as SHOW STATS reports them. */
public record PoolTotals(long serverAssignments, long transactions, long queries, long received, long sent,
                         long transactionMicros, long queryMicros, long waitMicros, long clientParses,
                         long serverParses, long binds) {
    public static final PoolTotals ZERO = new PoolTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public PoolTotals plus(PoolTotals other) {
        return new PoolTotals(serverAssignments + other.serverAssignments, transactions + other.transactions,
                queries + other.queries, received + other.received, sent + other.sent,
                transactionMicros + other.transactionMicros, queryMicros + other.queryMicros,
                waitMicros + other.waitMicros, clientParses + other.clientParses, serverParses + other.serverParses,
                binds + other.binds);
    }

    public PoolTotals minus(PoolTotals other) {
        return new PoolTotals(serverAssignments - other.serverAssignments, transactions - other.transactions,
                queries - other.queries, received - other.received, sent - other.sent,
                transactionMicros - other.transactionMicros, queryMicros - other.queryMicros,
                waitMicros - other.waitMicros, clientParses - other.clientParses, serverParses - other.serverParses,
                binds - other.binds);
    }
}
