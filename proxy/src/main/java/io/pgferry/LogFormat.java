package io.pgferry;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.pgferry.config.ProxyConfig;
import org.slf4j.LoggerFactory;

/** Switches logging to one JSON object per line when the configuration asks for it (log collectors parse it). */
final class LogFormat {
    private LogFormat() {
    }

    static void apply(ProxyConfig.LogFormat format) {
        if (format != ProxyConfig.LogFormat.JSON || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try {
            configurator.doConfigure(LogFormat.class.getResource("/logback-json.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("cannot switch to JSON logs", e);
        }
    }
}
