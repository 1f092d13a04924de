package io.pgferry.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgferry.loadtest.PgBouncerBinary.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgBouncerBinaryTest {
    @TempDir
    Path directory;

    @Test
    void readsTheReleaseFromVersionOutput() {
        assertEquals(new Version(1, 18, 0), Version.parse("""
                PgBouncer 1.18.0
                libevent 2.1.12-stable
                adns: c-ares 1.18.1
                """));
        assertEquals(new Version(1, 26, 1), Version.parse("PgBouncer 1.26.1\nlibevent 2.1.12-stable\n"));
        assertThrows(IllegalArgumentException.class, () -> Version.parse("pgbouncer: command not found"));
    }

    @Test
    void releasesCompareByNumberNotText() {
        assertTrue(new Version(1, 9, 0).compareTo(new Version(1, 18, 0)) < 0);
        assertEquals(0, new Version(1, 21, 0).compareTo(Version.PREPARED_STATEMENTS));
        assertTrue(new Version(2, 0, 0).compareTo(new Version(1, 26, 1)) > 0);
        assertTrue(new Version(1, 20, 9).compareTo(Version.PREPARED_STATEMENTS) < 0);
    }

    @Test
    void onlyReleasesThatKnowTheSettingGetPreparedStatements() {
        PgBouncerBinary old = new PgBouncerBinary(Path.of("pgbouncer"), new Version(1, 18, 0));
        PgBouncerBinary current = new PgBouncerBinary(Path.of("pgbouncer"), new Version(1, 26, 1));
        assertFalse(PgBouncer.ini(old, 5432, 6432, 20, directory, null).contains("max_prepared_statements"));
        String ini = PgBouncer.ini(current, 5432, 6432, 20, directory, null);
        assertTrue(ini.contains("\nmax_prepared_statements = 200\n"), ini);
        assertTrue(ini.contains("pool_mode = transaction\ndefault_pool_size = 20\n"), ini);
        assertTrue(ini.contains("\nserver_tls_sslmode = disable\n"), "pgferry's upstream is plain too: " + ini);
        assertFalse(ini.contains("client_tls"), ini);
    }

    @Test
    void withClientTlsBothPoolersTerminateItWithTheSameFilesForClientsThatAsk() {
        PgBouncerBinary current = new PgBouncerBinary(Path.of("pgbouncer"), new Version(1, 24, 1));
        Throughput.ClientTls tls = new Throughput.ClientTls(Path.of("/certs/server.crt"), Path.of("/certs/server.key"));
        String ini = PgBouncer.ini(current, 5432, 6432, 20, directory, tls);
        assertTrue(ini.contains("\nclient_tls_sslmode = allow\nclient_tls_cert_file = /certs/server.crt\n"
                + "client_tls_key_file = /certs/server.key\n"), ini);
        assertTrue(ini.contains("\nserver_tls_sslmode = disable\n"), ini);
        String hocon = Throughput.config(5432, 6433, 20, 0, tls, false);
        assertTrue(hocon.contains("tls { mode = allow, cert-file = \"/certs/server.crt\", key-file = \"/certs/server.key\" }"),
                hocon);
    }

    @Test
    void anExecutablePathIsAskedForItsRelease() throws Exception {
        Path fake = directory.resolve("pgbouncer");
        Files.writeString(fake, "#!/bin/sh\necho 'PgBouncer 1.25.0'\necho 'libevent 2.1.12-stable'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        PgBouncerBinary binary = PgBouncerBinary.resolve(fake.toString());
        assertEquals(new Version(1, 25, 0), binary.version());
        assertTrue(binary.supportsPreparedStatements());
    }

    @Test
    void aPgBouncerThatExitsAtOnceIsReportedWithItsOutput() throws Exception {
        Path fake = directory.resolve("pgbouncer");
        Files.writeString(fake, "#!/bin/sh\necho \"FATAL cannot load config file $1\"\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        PgBouncerBinary binary = new PgBouncerBinary(fake, new Version(1, 24, 1));
        IOException failure = assertThrows(IOException.class, () -> PgBouncer.start(binary, 5432, "bench", 20, null));
        assertTrue(failure.getMessage().contains("PgBouncer 1.24.1"), failure.getMessage());
        assertTrue(failure.getMessage().contains("FATAL cannot load config file /"), failure.getMessage());
    }

    @Test
    void anUnknownChoiceIsRefusedWithTheChoices() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> PgBouncerBinary.resolve("1.99.9"));
        assertTrue(refused.getMessage().contains("debian"), refused.getMessage());
        assertTrue(refused.getMessage().contains(PgBouncerBinary.DEFAULT_CHOICE), refused.getMessage());
    }

    @Test
    void sha256MatchesAKnownDigest() throws Exception {
        Path file = Files.writeString(directory.resolve("abc"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", PgBouncerBinary.sha256(file));
    }
}
