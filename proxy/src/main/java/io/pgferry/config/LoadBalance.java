package io.pgferry.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a new server link orders an upstream's hosts before trying them (load_balance_hosts): {@code disable} as
 * listed and {@code random} shuffled, as libpq does; pgferry adds {@code round-robin} (each new link starts one host
 * further along) and {@code least-connections} (hosts with fewer of pgferry's server links first, ties as listed).
 * Hosts of the wrong role, lagging or banned are still put after the others.
 */
public enum LoadBalance {
    DISABLE, RANDOM, ROUND_ROBIN, LEAST_CONNECTIONS;

    static LoadBalance parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("load_balance_hosts " + text + " is not one of " + Arrays.stream(
                    values()).map(LoadBalance::configName).collect(Collectors.joining(", ")));
        }
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
