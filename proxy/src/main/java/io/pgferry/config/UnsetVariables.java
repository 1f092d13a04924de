package io.pgferry.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the environment variable behind a missing setting: {@code password = ${?APP_DB_PASSWORD}} with the
 * variable unset leaves no password, and "no setting found for key password" alone sends the operator looking in
 * the wrong place.
 */
final class UnsetVariables {
    private static final Pattern OPTIONAL_SUBSTITUTION = Pattern.compile("^\\$\\{\\?([^}]+)}$");
    private static final Pattern MISSING_KEY = Pattern.compile("key '([^']+)'");

    private UnsetVariables() {
    }

    /**
     * {@code missing} with, when settings of the same name in {@code file} (the unresolved file) come from unset
     * optional variables, those variables named.
     */
    static ConfigException explain(ConfigException.Missing missing, ConfigObject file, Function<String, String> environment) {
        Matcher key = MISSING_KEY.matcher(missing.getMessage());
        if (!key.find()) {
            return missing;
        }
        String path = key.group(1);
        String name = path.substring(path.lastIndexOf('.') + 1).replace("\"", "");
        List<String> unset = new ArrayList<>();
        collect(file, "", name, environment, unset);
        if (unset.isEmpty()) {
            return missing;
        }
        return new ConfigException.Generic(missing.getMessage() + " (" + String.join(", ", unset) + ")", missing);
    }

    private static void collect(ConfigObject object, String path, String name, Function<String, String> environment,
                                List<String> unset) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String here = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            if (entry.getValue() instanceof ConfigObject child) {
                collect(child, here, name, environment, unset);
                continue;
            }
            Matcher variable = OPTIONAL_SUBSTITUTION.matcher(entry.getValue().render());
            if (entry.getKey().equals(name) && variable.matches() && environment.apply(variable.group(1)) == null) {
                unset.add(here + " comes from ${?" + variable.group(1) + "}, which is not set");
            }
        }
    }
}
