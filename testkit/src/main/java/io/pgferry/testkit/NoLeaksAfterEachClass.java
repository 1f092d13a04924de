package io.pgferry.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty reported a leaked ByteBuf while it ran, so a leak fails the build instead of only
 * printing an ERROR line. Registered for every test class through JUnit's extension autodetection (this jar's
 * service file, switched on by each module's {@code junit-platform.properties}).
 */
public final class NoLeaksAfterEachClass implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) {
        RecordingLeakDetector.assertNoLeaks();
    }
}
