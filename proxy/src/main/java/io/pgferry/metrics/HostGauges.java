package io.pgferry.metrics;

/** What the metrics read of one upstream host when scraped. */
public interface HostGauges {
    /** Whether the host answered its latest connection and is not banned, as of {@code now}. */
    boolean upAt(long now);

    /** 1 for a standby, 0 for a primary, NaN before any login reported it. */
    double inRecovery();

    /** The replay lag its latest health check read, in seconds; NaN before any. */
    double replayLagSeconds();

    /** Times the host was banned after a failed connection. */
    long bans();

    /** Times the host was seen to change role (a promotion counts on the promoted host). */
    long roleChanges();

    /** pgferry's server links to the host now (those host searches opened). */
    int servers();
}
