package io.pgferry.pool;

/** Identifies a pool: the database name clients asked for and the user pgferry logs in upstream as. */
public record PoolKey(String database, String user) {
    @Override
    public String toString() {
        return database + "/" + user;
    }
}
