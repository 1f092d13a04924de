package io.pgferry.config;

import java.time.Duration;

/**
 * PgBouncer's auth_user and auth_query: a client whose user is not configured has its secret looked up in
 * PostgreSQL, by {@code query} with the user name as $1, on a pooled server logged in as {@code user} (a configured
 * user). Answers are kept {@code ttl} (a found secret) or {@code negativeTtl} (none).
 */
public record AuthQueryConfig(String user, String query, Duration ttl, Duration negativeTtl) {
}
