package io.pgferry.pool;

/**
 * Identifies a pool: the database name clients asked for, the user pgferry logs in upstream as, and whether it is
 * that database's pool of standbys for read-routed requests ({@code reads}).
 */
public record PoolKey(String database, String user, boolean reads) {
    /** The database as the admin console and the metrics name this pool: {@code app (reads)} for a reads pool. */
    public String databaseLabel() {
        return reads ? database + " (reads)" : database;
    }

    @Override
    public String toString() {
        return databaseLabel() + "/" + user;
    }
}
