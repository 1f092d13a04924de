package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The files in deploy/ parse, the Dockerfile's build command works, the sidecar example can log in. */
class DeployArtifactsIT {
    private static final Path DEPLOY = Path.of("..", "deploy");

    private static List<Path> files(String... extensions) throws IOException {
        try (Stream<Path> paths = Files.walk(DEPLOY)) {
            return paths.filter(path -> Stream.of(extensions).anyMatch(ext -> path.toString().endsWith(ext))).toList();
        }
    }

    @Test
    void everyYamlAndJsonFileParses() throws IOException {
        List<Path> files = files(".yml", ".yaml", ".json");
        assertTrue(files.size() >= 8, files.toString());
        for (Path file : files) {
            int documents = 0;
            for (Object document : new Yaml().loadAll(Files.readString(file))) {
                assertTrue(document != null, file + " has an empty document");
                documents++;
            }
            assertTrue(documents > 0, file.toString());
        }
    }

    /** Runs the Dockerfile's Maven RUN line on a copy of the sources, as the image build would. */
    @Test
    void dockerfileBuildCommandBuildsTheJar() throws Exception {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        String run = dockerfile.lines().filter(line -> line.startsWith("RUN mvn")).findFirst().orElseThrow()
                .substring("RUN ".length());
        assertTrue(dockerfile.contains("COPY --from=build /src/proxy/target/pgferry.jar"));
        Path copy = Files.createTempDirectory("pgferry-docker-build");
        try {
            for (String source : List.of("pom.xml", "proxy", "testkit", "loadtest")) {
                copyTree(Path.of("..", source), copy.resolve(source));
            }
            List<String> command = new ArrayList<>(List.of(run.split("\\s+")));
            command.add(1, "-o");
            Process build = new ProcessBuilder(command).directory(copy.toFile()).redirectErrorStream(true).start();
            String output = new String(build.getInputStream().readAllBytes());
            assertTrue(build.waitFor(5, TimeUnit.MINUTES));
            assertEquals(0, build.exitValue(), output);
            assertTrue(Files.size(copy.resolve("proxy/target/pgferry.jar")) > 1_000_000);
        } finally {
            deleteTree(copy);
        }
    }

    /**
     * The sidecar example: pgferry, started with the pod's arguments and the Secret as its environment, accepts
     * the user and password of the application's DATABASE_URL (with the Secret's value put in for $(VAR)).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theSidecarExamplesApplicationCanLogIn() throws IOException {
        Map<String, String> secret = null;
        List<Map<String, Object>> containers = null;
        for (Object document : new Yaml().loadAll(Files.readString(DEPLOY.resolve("kubernetes/sidecar.yaml")))) {
            Map<String, Object> resource = (Map<String, Object>) document;
            if ("Secret".equals(resource.get("kind"))) {
                secret = (Map<String, String>) resource.get("stringData");
            } else if ("Deployment".equals(resource.get("kind"))) {
                Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) resource.get("spec")).get("template");
                containers = (List<Map<String, Object>>) ((Map<String, Object>) pod.get("spec")).get("containers");
            }
        }
        Map<String, Object> app = containers.stream().filter(c -> c.get("name").equals("app")).findFirst().orElseThrow();
        Map<String, Object> ferry = containers.stream().filter(c -> c.get("name").equals("pgferry")).findFirst()
                .orElseThrow();
        String url = null;
        for (Map<String, Object> variable : (List<Map<String, Object>>) app.get("env")) {
            if (variable.get("name").equals("DATABASE_URL")) {
                url = (String) variable.get("value");
            }
        }
        Map<String, String> values = secret;
        Matcher reference = Pattern.compile("\\$\\((\\w+)\\)").matcher(url);
        String resolved = reference.replaceAll(match -> values.get(match.group(1)));
        URI login = URI.create(resolved);
        String[] userAndPassword = login.getUserInfo().split(":", 2);
        io.pgferry.config.ProxyConfig config = CommandLine.load(CommandLine.parse(
                ((List<String>) ferry.get("args")).toArray(new String[0]), values));
        io.pgferry.config.UserConfig user = config.users().get(userAndPassword[0]);
        assertTrue(user != null, "pgferry knows the application's user " + userAndPassword[0]);
        assertEquals(user.plainPassword(), userAndPassword[1], "and its password, from the same Secret");
        assertEquals(config.listen().getPort(), login.getPort());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.filter(p -> !p.toString().contains("target")).toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        assertFalse(Files.exists(root));
    }
}
