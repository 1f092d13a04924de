package io.pgferry.metrics;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Monotonic time read at most once per event-loop iteration, as PgBouncer reads its clock once per pass of its
 * loop. A clock read costs 100-200 ns in some virtual machines, and a transaction took two or three of them, all
 * within microseconds of each other, to time the query and the transaction. The reading goes stale when the loop
 * starts its next iteration, before it waits for I/O, so the first caller after a wake-up reads the system clock
 * and the others in that pass share its reading. Off the event loops built by {@link #around} it is
 * {@link System#nanoTime()}.
 */
public final class LoopClock {
    private static final FastThreadLocal<LoopClock> CURRENT = new FastThreadLocal<>();

    private long reading;
    private boolean fresh;

    private LoopClock() {
    }

    /** The event loop's reading of {@link System#nanoTime()} for this pass, or the system clock off a loop. */
    public static long nanoTime() {
        LoopClock clock = CURRENT.getIfExists();
        return clock == null ? System.nanoTime() : clock.read();
    }

    private long read() {
        if (!fresh) {
            reading = System.nanoTime();
            fresh = true;
        }
        return reading;
    }

    /** Event loops whose I/O handlers, built by {@code factory}, keep a clock for their thread. */
    public static IoHandlerFactory around(IoHandlerFactory factory) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new ClockedIoHandler(factory.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return factory.isChangingThreadSupported();
            }
        };
    }

    /** Delegates everything; marks the loop's reading stale at the start of each pass. */
    private static final class ClockedIoHandler implements IoHandler {
        private final IoHandler delegate;
        private final LoopClock clock = new LoopClock();

        ClockedIoHandler(IoHandler delegate) {
            this.delegate = delegate;
        }

        @Override
        public void initialize() {
            // Called on the loop's own thread, before its first pass.
            CURRENT.set(clock);
            delegate.initialize();
        }

        @Override
        public int run(IoHandlerContext context) {
            clock.fresh = false;
            return delegate.run(context);
        }

        @Override
        public void prepareToDestroy() {
            delegate.prepareToDestroy();
        }

        @Override
        public void destroy() {
            delegate.destroy();
            CURRENT.remove();
        }

        @Override
        public IoRegistration register(IoHandle handle) throws Exception {
            return delegate.register(handle);
        }

        @Override
        public void wakeup() {
            delegate.wakeup();
        }

        @Override
        public boolean isCompatible(Class<? extends IoHandle> handleType) {
            return delegate.isCompatible(handleType);
        }
    }
}
