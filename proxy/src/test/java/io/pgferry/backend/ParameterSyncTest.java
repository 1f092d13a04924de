package io.pgferry.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParameterSyncTest {
    @Test
    void setsOnlyWhatDiffersAndResetsWhatAnotherClientLeft() {
        Map<String, String> server = Map.of("application_name", "other", "datestyle", "ISO, MDY", "server_version", "17.6");
        Map<String, String> applied = new HashMap<>(Map.of("work_mem", "64MB"));
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put("application_name", "mine");
        wanted.put("datestyle", "ISO, MDY");
        wanted.put("server_version", "16");
        wanted.put("statement_timeout", "5s");
        assertEquals("SET application_name TO E'mine'; SET statement_timeout TO E'5s'; RESET work_mem",
                ParameterSync.statement(SessionParameters.of(wanted), server, applied));
        assertEquals(Map.of("statement_timeout", "5s"), applied);
        assertNull(ParameterSync.statement(SessionParameters.of(Map.of("statement_timeout", "5s")), Map.of(), applied));
    }

    @Test
    void valuesAreQuotedSafelyAndNamesChecked() {
        assertEquals("E'it\\'s \\\\ here'", ParameterSync.literal("it's \\ here"));
        assertThrows(IllegalArgumentException.class,
                () -> ParameterSync.statement(SessionParameters.of(Map.of("x; DROP TABLE t", "1")), Map.of(), new HashMap<>()));
    }

    @Test
    void equalParameterSetsAreOneSharedInstance() {
        SessionParameters defaults = SessionParameters.of(Map.of("application_name", "app", "timezone", "UTC"));
        assertSame(defaults, SessionParameters.of(new HashMap<>(Map.of("timezone", "UTC", "application_name", "app"))));
        SessionParameters changed = defaults.with("timezone", "Europe/Paris");
        assertNotSame(defaults, changed);
        assertEquals("Europe/Paris", changed.get("timezone"));
        assertEquals("UTC", defaults.get("timezone"));
        assertSame(changed, changed.with("timezone", "Europe/Paris"));
        assertSame(defaults, changed.with("timezone", "UTC"));
        SessionParameters added = defaults.with("datestyle", "ISO, DMY");
        assertEquals(3, added.size());
        assertEquals("datestyle", added.name(1));
        assertNull(defaults.get("datestyle"));
    }
}
