package io.pgferry.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * libpq's target_session_attrs: which of an upstream's hosts a server link may use, by the role the host reports
 * ({@code in_hot_standby}). {@code read-write} and {@code primary} both want a host not in recovery, {@code read-only}
 * and {@code standby} one in recovery; {@code prefer-standby} takes a standby if any host is one, else any host.
 */
public enum TargetSessionAttrs {
    ANY, READ_WRITE, READ_ONLY, PRIMARY, STANDBY, PREFER_STANDBY;

    static TargetSessionAttrs parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("target_session_attrs " + text + " is not one of " + Arrays.stream(
                    values()).map(TargetSessionAttrs::configName).collect(Collectors.joining(", ")));
        }
    }

    /** Whether a host that is ({@code true}) or is not in recovery suits, on the strict pass. */
    public boolean accepts(boolean standby) {
        return switch (this) {
            case ANY -> true;
            case READ_WRITE, PRIMARY -> !standby;
            case READ_ONLY, STANDBY, PREFER_STANDBY -> standby;
        };
    }

    /** Whether it asks for the primary: read-write or primary. */
    public boolean wantsPrimary() {
        return this == READ_WRITE || this == PRIMARY;
    }

    /** Whether it asks for standbys, which max-replica-lag applies to. */
    public boolean wantsStandby() {
        return this == READ_ONLY || this == STANDBY || this == PREFER_STANDBY;
    }

    /** Whether, no host suiting strictly, any host will do (prefer-standby's fallback). */
    public boolean fallsBackToAny() {
        return this == PREFER_STANDBY;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
