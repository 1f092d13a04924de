package io.pgferry.config;

import io.pgferry.auth.ScramSecret;

/**
 * A user clients may log in as.
 *
 * @param scram          the verifier clients are checked against by SCRAM (derived from a plain password if given)
 * @param md5            the stored MD5 hash, when md5 authentication is possible for this user
 * @param plainPassword  the password itself, if configured; used to log in upstream as this user
 * @param poolMode       overrides the database's pool mode for this user, or {@code null}
 * @param maxConnections bounds the servers logged in as this user over all pools (PgBouncer: max_user_connections)
 */
public record UserConfig(String name, AuthMethod authMethod, ScramSecret scram, String md5, String plainPassword,
                         PoolMode poolMode, int maxConnections) {

    @Override
    public String toString() {
        return "UserConfig[" + name + ", " + authMethod.configName() + "]";
    }
}
