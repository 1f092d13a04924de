package io.pgferry.frontend;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.netty.channel.EventLoop;
import io.pgferry.auth.ScramSecret;
import io.pgferry.config.AuthMethod;
import io.pgferry.config.AuthQueryConfig;
import io.pgferry.config.UserConfig;
import io.pgferry.pool.LinkRelease;
import io.pgferry.pool.LinkRequest;
import io.pgferry.pool.Route;
import io.pgferry.pool.ServerPool;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * auth_query: the user entry of a client whose user is not configured, made from the secret PostgreSQL holds for
 * it (a SCRAM verifier, whose servers then log in by pass-through, or an MD5 hash), looked up on a pooled server
 * of the client's database logged in as auth-user (the database entry's own, else the global one). Answers are kept for the configured times, found or not, so a
 * burst of logins runs one query per user. Thread-safe.
 */
final class AuthLookup {
    private record Key(String database, String user) {
    }

    private final FrontendContext context;
    private final Cache<Key, Optional<UserConfig>> answers;

    AuthLookup(FrontendContext context) {
        this.context = context;
        this.answers = Caffeine.newBuilder().maximumSize(100_000).expireAfter(new Expiry<Key, Optional<UserConfig>>() {
            @Override
            public long expireAfterCreate(Key key, Optional<UserConfig> answer, long now) {
                AuthQueryConfig config = context.config().authQuery(key.database());
                return config == null ? 0 : (answer.isPresent() ? config.ttl() : config.negativeTtl()).toNanos();
            }

            @Override
            public long expireAfterUpdate(Key key, Optional<UserConfig> answer, long now, long current) {
                return expireAfterCreate(key, answer, now);
            }

            @Override
            public long expireAfterRead(Key key, Optional<UserConfig> answer, long now, long current) {
                return current;
            }
        }).build();
    }

    /** The user entry for {@code user} of {@code database}, {@code null} if PostgreSQL has no usable secret. */
    CompletableFuture<UserConfig> lookup(String database, String user, EventLoop loop) {
        Key key = new Key(database, user);
        Optional<UserConfig> known = answers.getIfPresent(key);
        if (known != null) {
            return CompletableFuture.completedFuture(known.orElse(null));
        }
        AuthQueryConfig config = context.config().authQuery(database);
        Route route = context.pools().route(database, config.user(), context.config().users().get(config.user()),
                false);
        if (route instanceof Route.Refused refused) {
            return CompletableFuture.failedFuture(new IllegalStateException(refused.message()));
        }
        ServerPool pool = ((Route.ToPool) route).pool();
        CompletableFuture<UserConfig> result = new CompletableFuture<>();
        pool.acquire(new LinkRequest(loop, (request, link, failure) -> {
            if (failure != null) {
                context.pools().leave(pool);
                result.completeExceptionally(failure);
                return;
            }
            link.execute(() -> AuthQueryRun.start(link, config.query(), user).whenComplete((secret, error) -> {
                new LinkRelease(pool, link, false).run();
                context.pools().leave(pool);
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    UserConfig entry = entry(user, secret);
                    answers.put(key, Optional.ofNullable(entry));
                    result.complete(entry);
                }
            }));
        }));
        return result;
    }

    /** A user entry for what PostgreSQL stores; a plain-text or missing secret gives none. */
    private static UserConfig entry(String user, String secret) {
        if (secret != null && ScramSecret.looksLikeVerifier(secret)) {
            return new UserConfig(user, AuthMethod.SCRAM_SHA_256, ScramSecret.parse(secret), null, null, null, 0);
        }
        if (secret != null && secret.matches("md5[0-9a-f]{32}")) {
            return new UserConfig(user, AuthMethod.MD5, null, secret, null, null, 0);
        }
        return null;
    }
}
