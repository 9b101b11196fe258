package dev.switchover.migration.tck.selftest.devices;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.PendingAnswer;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.MethodDelegation;
import net.bytebuddy.implementation.bind.annotation.Argument;
import net.bytebuddy.implementation.bind.annotation.SuperCall;
import net.bytebuddy.matcher.ElementMatchers;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Hanging, lying and slow variants of the reference {@link ChunkedDevice}, made with Byte Buddy:
 * each subclass routes {@code queryPending} (and, for the slow one, {@code saveComplete})
 * through one of the interceptors below, which then call the reference code.
 *
 * <p>Public, with public interceptors: the generated classes live in a class loader of their own.
 */
public final class Misbehaviours {

    /** How long each query of {@link Slow} takes: far below any call timeout the tests use. */
    public static final long SLOW_MILLIS = 5;

    /** What {@link Lying} adds to the pre-copy bucket of every answer that is not empty. */
    public static final long LIE_BYTES = 3000;

    private static final Map<Class<?>, Class<? extends ChunkedDevice>> TYPES = new ConcurrentHashMap<>();

    /** Holds every hung EXACT until a test releases it (the test's own cleanup), ignoring interrupts. */
    private static volatile CountDownLatch hold = new CountDownLatch(1);

    private Misbehaviours() {
    }

    /** A device whose {@code queryPending(EXACT)} never returns until {@link #releaseHungCalls()}, interrupts or not. */
    public static ChunkedDevice hangingExact(DeviceContext ctx) {
        return create(ctx, HangingExact.class);
    }

    /** A device that reports {@link #LIE_BYTES} more pre-copy bytes than it ever writes: an under-send. */
    public static ChunkedDevice lying(DeviceContext ctx) {
        return create(ctx, Lying.class);
    }

    /** A device each of whose queries takes {@link #SLOW_MILLIS} ms: slow, and conforming. */
    public static ChunkedDevice underReporting(DeviceContext ctx) {
        return create(ctx, UnderReporting.class);
    }

    public static ChunkedDevice slow(DeviceContext ctx) {
        return create(ctx, Slow.class);
    }

    /** Generates the three device classes now, so that no test's call timeout includes Byte Buddy's work. */
    public static void generate() {
        for (Class<?> c : new Class<?>[]{HangingExact.class, Lying.class, UnderReporting.class, Slow.class}) {
            TYPES.computeIfAbsent(c, Misbehaviours::subclass);
        }
    }

    /** Lets every hung call return, and arms a new hold for the next test. */
    public static void releaseHungCalls() {
        CountDownLatch h = hold;
        hold = new CountDownLatch(1);
        h.countDown();
    }

    private static ChunkedDevice create(DeviceContext ctx, Class<?> interceptor) {
        Class<? extends ChunkedDevice> type = TYPES.computeIfAbsent(interceptor, Misbehaviours::subclass);
        try {
            return type.getConstructor(DeviceContext.class).newInstance(ctx);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Byte Buddy's " + interceptor.getSimpleName() + " device", e);
        }
    }

    /** A subclass of the reference device whose {@code queryPending} goes through {@code interceptor}. */
    private static Class<? extends ChunkedDevice> subclass(Class<?> interceptor) {
        return new ByteBuddy()
                .subclass(ChunkedDevice.class)
                .name(ChunkedDevice.class.getName() + "$" + interceptor.getSimpleName())
                .method(ElementMatchers.named("queryPending"))
                .intercept(MethodDelegation.to(interceptor))
                .make()
                .load(ChunkedDevice.class.getClassLoader())
                .getLoaded();
    }

    /** EXACT waits for the hold, and keeps waiting when interrupted: a driver call that never returns. */
    public static final class HangingExact {
        private HangingExact() {
        }

        public static PendingAnswer queryPending(@Argument(0) QueryMode mode, @SuperCall Callable<PendingAnswer> real)
                throws Exception {
            if (mode == QueryMode.EXACT) {
                CountDownLatch h = hold;
                boolean interrupted = false;
                while (h.getCount() > 0) {
                    try {
                        h.await();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return real.call();
        }
    }

    /** Adds {@link #LIE_BYTES} to the pre-copy bucket whenever something is pending, in both modes alike. */
    public static final class Lying {
        private Lying() {
        }

        public static PendingAnswer queryPending(@SuperCall Callable<PendingAnswer> real) throws Exception {
            Pending p = real.call().pending();
            return PendingAnswer.of(p.isEmpty() ? p : p.plus(Pending.precopy(LIE_BYTES)));
        }
    }

    /** Takes {@link #LIE_BYTES} off the stop-copy bucket whenever it holds more, in both modes alike. */
    public static final class UnderReporting {
        private UnderReporting() {
        }

        public static PendingAnswer queryPending(@SuperCall Callable<PendingAnswer> real) throws Exception {
            Pending p = real.call().pending();
            return PendingAnswer.of(p.stopcopy() > LIE_BYTES
                    ? new Pending(p.precopy(), p.stopcopy() - LIE_BYTES, p.postcopy()) : p);
        }
    }

    /** Every query takes {@link #SLOW_MILLIS} ms more (ESTIMATE included, well within its deadline). */
    public static final class Slow {
        private Slow() {
        }

        public static PendingAnswer queryPending(@SuperCall Callable<PendingAnswer> real) throws Exception {
            TimeUnit.MILLISECONDS.sleep(SLOW_MILLIS);
            return real.call();
        }
    }
}
