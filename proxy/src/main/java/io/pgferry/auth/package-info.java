/**
 * Password authentication in both directions: SCRAM-SHA-256, MD5 and cleartext as PostgreSQL defines them, the
 * store of users clients log in as, and the bounded worker pool that runs PBKDF2 so that key derivation never
 * blocks an I/O event loop. Does no network I/O.
 */
package io.pgferry.auth;
