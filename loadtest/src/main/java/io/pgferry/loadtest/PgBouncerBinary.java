package io.pgferry.loadtest;

import io.pgferry.testkit.PostgresServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PgBouncer executable a comparison runs, chosen by {@code --pgbouncer}: a release number builds that release
 * from Debian's source archive (the tarball Debian ships, checked against its SHA-256) once into
 * {@code ~/.cache/pgferry-loadtest}; {@code debian} is the machine's Debian package, installed with apt-get when
 * missing; anything else is the path of an executable. The default is the release of Debian's current stable
 * (13), because users compare pgferry with the PgBouncer they would deploy today, and the Debian 12 package (1.18)
 * predates PgBouncer's prepared-statement support in transaction mode. Built rather than installed because
 * Debian 13's binary package needs a newer C library than Debian 12 has.
 */
record PgBouncerBinary(Path executable, Version version) {
    static final String DEFAULT_CHOICE = "1.24.1";
    private static final Map<String, String> DEBIAN_SOURCE_SHA256 = Map.of(
            "1.24.1", "da72a3aba13072876d055a3e58dd4aba4a5de4ed6148e73033185245598fd3e0");
    private static final String DEBIAN_POOL = "http://deb.debian.org/debian/pool/main/p/pgbouncer/";
    private static final List<String> BUILD_PACKAGES = List.of("gcc", "make", "pkg-config", "libevent-dev", "libssl-dev");

    /** A PgBouncer release number, compared to decide which settings the release understands. */
    record Version(int major, int minor, int patch) implements Comparable<Version> {
        /** The first release with prepared statements in transaction mode ({@code max_prepared_statements}). */
        static final Version PREPARED_STATEMENTS = new Version(1, 21, 0);
        private static final Pattern RELEASE = Pattern.compile("PgBouncer (\\d+)\\.(\\d+)\\.(\\d+)");

        /** Reads the release from the first line {@code pgbouncer --version} prints. */
        static Version parse(String versionOutput) {
            Matcher matcher = RELEASE.matcher(versionOutput);
            if (!matcher.find()) {
                throw new IllegalArgumentException("not PgBouncer's --version output: " + versionOutput);
            }
            return new Version(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                    Integer.parseInt(matcher.group(3)));
        }

        @Override
        public int compareTo(Version other) {
            int byMajor = Integer.compare(major, other.major);
            int byMinor = byMajor != 0 ? byMajor : Integer.compare(minor, other.minor);
            return byMinor != 0 ? byMinor : Integer.compare(patch, other.patch);
        }

        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    static PgBouncerBinary resolve(String choice) throws IOException, InterruptedException {
        Path executable;
        if (choice.equals("debian")) {
            executable = debianPackage();
        } else if (DEBIAN_SOURCE_SHA256.containsKey(choice)) {
            executable = builtFromDebianSource(choice);
        } else if (Files.isExecutable(Path.of(choice))) {
            executable = Path.of(choice).toAbsolutePath();
        } else {
            throw new IllegalArgumentException("--pgbouncer must be debian, one of " + DEBIAN_SOURCE_SHA256.keySet()
                    + " or an executable, not " + choice);
        }
        return new PgBouncerBinary(executable, Version.parse(output(List.of(executable.toString(), "--version"))));
    }

    /** The release, where it runs from, and whether the comparison has prepared statements on. */
    String description() {
        return "PgBouncer " + version + " (" + executable + "), prepared statements "
                + (supportsPreparedStatements() ? "on (max_prepared_statements = 200)" : "unsupported");
    }

    boolean supportsPreparedStatements() {
        return version.compareTo(Version.PREPARED_STATEMENTS) >= 0;
    }

    private static Path debianPackage() throws IOException, InterruptedException {
        if (!onPath("pgbouncer")) {
            run(List.of("apt-get", "install", "-y", "-q", "pgbouncer"), null);
            // The package starts a system-wide PgBouncer on port 6432; the comparison runs its own.
            new ProcessBuilder("service", "pgbouncer", "stop").start().waitFor();
        }
        return Path.of(output(List.of("sh", "-c", "command -v pgbouncer")).trim());
    }

    private static Path builtFromDebianSource(String release) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("user.home"), ".cache", "pgferry-loadtest", "pgbouncer-" + release);
        Path executable = home.resolve("bin/pgbouncer");
        Path complete = home.resolve(".complete");
        if (Files.exists(complete)) {
            return executable;
        }
        System.err.println("building PgBouncer " + release + " from Debian's source into " + home);
        installBuildPackages();
        Path work = Files.createTempDirectory("pgferry-pgbouncer-build-");
        Path tarball = work.resolve("pgbouncer_" + release + ".orig.tar.gz");
        download(URI.create(DEBIAN_POOL + tarball.getFileName()), tarball, DEBIAN_SOURCE_SHA256.get(release));
        Path log = work.resolve("build.log");
        run(List.of("tar", "xzf", tarball.toString(), "-C", work.toString()), log);
        Path source = work.resolve("pgbouncer-" + release);
        // No c-ares, systemd, PAM or LDAP: the comparison resolves no names and authenticates with trust.
        run(List.of("sh", "-c", "./configure --prefix=" + home + " --without-cares --without-systemd --without-pam"
                + " --without-ldap && make -j" + Runtime.getRuntime().availableProcessors() + " && make install"),
                log, source);
        Files.writeString(complete, release + "\n");
        PostgresServer.deleteRecursively(work);
        return executable;
    }

    private static void installBuildPackages() throws IOException, InterruptedException {
        List<String> query = new ArrayList<>(List.of("dpkg-query", "-W", "-f=${db:Status-Status}\\n"));
        query.addAll(BUILD_PACKAGES);
        Process process = new ProcessBuilder(query).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> states = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (process.waitFor() == 0 && states.size() == BUILD_PACKAGES.size()
                && states.stream().allMatch("installed"::equals)) {
            return;
        }
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
        install.addAll(BUILD_PACKAGES);
        run(install, null);
    }

    private static void download(URI uri, Path target, String expectedSha256) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + response.statusCode());
        }
        try (InputStream body = response.body()) {
            Files.copy(body, target);
        }
        String actual = sha256(target);
        if (!actual.equals(expectedSha256)) {
            throw new IOException(uri + " has SHA-256 " + actual + ", Debian's archive lists " + expectedSha256);
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static boolean onPath(String command) throws IOException, InterruptedException {
        return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("failed: " + command + "\n" + text);
        }
        return text;
    }

    static void run(List<String> command, Path log) throws IOException, InterruptedException {
        run(command, log, null);
    }

    /** Runs {@code command} in {@code directory}, its output to {@code log} (or the console when null). */
    private static void run(List<String> command, Path log, Path directory) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        if (log != null) {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        } else {
            builder.inheritIO();
        }
        if (builder.start().waitFor() != 0) {
            throw new IOException("failed: " + command + (log != null ? "; its output is in " + log : ""));
        }
    }
}
