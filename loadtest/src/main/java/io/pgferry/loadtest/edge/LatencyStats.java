package io.pgferry.loadtest.edge;

import java.util.Arrays;

/** Request latencies of one cell, summarized as oha prints them: fastest, average, percentiles, slowest. */
record LatencyStats(int requests, int errors, double fastest, double average, double p50, double p90, double p99,
                    double slowest) {

    /** {@code millis}: one entry per successful request. */
    static LatencyStats of(double[] millis, int errors) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            return new LatencyStats(0, errors, 0, 0, 0, 0, 0, 0);
        }
        return new LatencyStats(sorted.length, errors, sorted[0], Arrays.stream(sorted).average().orElse(0),
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double percent) {
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    String line() {
        return String.format("%4d ok %3d errors | fastest %7.2f  average %7.2f  p50 %7.2f  p90 %7.2f  p99 %7.2f  slowest %7.2f ms",
                requests, errors, fastest, average, p50, p90, p99, slowest);
    }
}
