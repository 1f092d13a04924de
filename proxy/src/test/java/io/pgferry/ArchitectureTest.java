package io.pgferry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layout docs/architecture.md describes, checked on the sources: no package depends on itself through
 * others, so each layer can be read, tested and replaced without the ones above it (issue 23).
 */
class ArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/io/pgferry");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.pgferry\\.([a-z]+)?\\.?([A-Z]\\w*)",
            Pattern.MULTILINE);

    /** Package (the root is "pgferry") to the packages its classes import. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String from = packageOf(SOURCES.relativize(file.getParent()).toString());
                Set<String> targets = graph.computeIfAbsent(from, name -> new TreeSet<>());
                Matcher imported = IMPORT.matcher(Files.readString(file));
                while (imported.find()) {
                    String to = packageOf(imported.group(1) == null ? "" : imported.group(1));
                    if (!to.equals(from)) {
                        targets.add(to);
                    }
                }
            }
        }
        return graph;
    }

    private static String packageOf(String relative) {
        return relative.isEmpty() ? "pgferry" : relative;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        List<String> cycles = new ArrayList<>();
        for (String start : graph.keySet()) {
            for (String next : graph.get(start)) {
                List<String> path = pathTo(graph, next, start, new TreeSet<>());
                if (path != null) {
                    cycles.add(start + " -> " + String.join(" -> ", path));
                }
            }
        }
        assertEquals(List.of(), cycles);
    }

    /** A path from {@code from} to {@code target}, or {@code null}. */
    private static List<String> pathTo(Map<String, Set<String>> graph, String from, String target, Set<String> seen) {
        if (from.equals(target)) {
            return new ArrayList<>(List.of(from));
        }
        if (!seen.add(from)) {
            return null;
        }
        for (String next : graph.getOrDefault(from, Set.of())) {
            List<String> rest = pathTo(graph, next, target, seen);
            if (rest != null) {
                rest.add(0, from);
                return rest;
            }
        }
        return null;
    }
}
