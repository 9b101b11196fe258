package dev.switchover.it.faults;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The behaviour behind a generated faulty device ({@link FaultyDevices}): forwards every call to
 * the real device, except the chosen occurrence of the chosen call, which misbehaves.
 *
 * <p>What {@link FaultBehaviour#RETURNS_GARBAGE} means per call:
 * <ul>
 *   <li>{@code saveSetup}, {@code saveComplete}: 16 junk bytes (0xA5) written <em>before</em> the
 *       device's real payload. The destination's device reads them as its first record and
 *       refuses them, in {@code loadSection(START)} or {@code loadSection(END)}.
 *   <li>{@code saveIterate}: the real chunk, then 16 junk bytes <em>after</em> it. The
 *       destination's device reads its records and stops at their end marker; the core then finds
 *       junk where the section footer belongs and fails {@code loadSection(PART)}.
 *   <li>{@code queryPending(EXACT)}: {@code null} instead of figures.
 *   <li>{@code loadSection}: returns at once without reading the section (it reads fewer bytes
 *       than were written); the core finds the payload where the footer belongs.
 * </ul>
 * In each garbage case the misbehaving device is the one the error names: by its id, and by the
 * call that wrote or read the bad section, as the destination identifies it.
 *
 * <p><b>Thread:</b> whichever thread the core calls the device on; the latches are for the test.
 */
final class FaultInjector implements InvocationHandler {

    /** What a confused device might write: every byte 0xA5 (as a RAM record header: unknown flags). */
    private static final byte[] JUNK = junk();
    /** Absurd figures add this much stop-copy data: 4 EiB, above the core's 1 EiB plausibility bound. */
    static final long ABSURD_BYTES = 1L << 62;

    private final MigrationDevice real;
    private final Fault fault;
    private final AtomicInteger matching = new AtomicInteger();
    private final AtomicInteger hits = new AtomicInteger();
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    FaultInjector(MigrationDevice real, Fault fault) {
        this.real = real;
        this.fault = fault;
    }

    /** How many times the fault struck (so a test can prove its fault was injected). */
    int hits() {
        return hits.get();
    }

    /** Whether the hanging call was interrupted (by the core's watchdog) while it hung. */
    boolean interruptedWhileHanging() {
        return interrupted.getCount() == 0;
    }

    /** Lets a hanging call return (with an exception; the core has given up on it by then). */
    void release() {
        release.countDown();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] arguments) throws Throwable {
        Object[] args = arguments == null ? new Object[0] : arguments;
        Method m = declared(method);
        if (m.getDeclaringClass() == AutoCloseable.class) {
            if (real instanceof AutoCloseable c) {
                c.close();
            }
            return null;
        }
        if (fault.point().matches(m, args)) {
            int n = matching.incrementAndGet();
            boolean strike = fault.behaviour() == FaultBehaviour.ABSURD_FIGURES ? n >= fault.point().nth()
                    : n == fault.point().nth();
            if (strike) {
                hits.incrementAndGet();
                return misbehave(m, args, n);
            }
        }
        return forward(m, args);
    }

    private Object misbehave(Method m, Object[] args, int n) throws Throwable {
        String what = "injected fault: " + fault.point().call() + " #" + n + " of device '" + fault.deviceId() + "'";
        return switch (fault.behaviour()) {
            case THROWS -> throw Arrays.asList(m.getExceptionTypes()).contains(IOException.class)
                    ? new IOException(what + " throws") : new IllegalStateException(what + " throws");
            case HANGS -> hang(what);
            case RETURNS_GARBAGE -> garbage(m, args);
            case ABSURD_FIGURES -> {
                PendingAnswer a = (PendingAnswer) forward(m, args);
                Pending p = a.pending();
                yield new PendingAnswer(new Pending(p.precopy(), Bytes.saturatingAdd(p.stopcopy(), ABSURD_BYTES),
                        p.postcopy()), a.anomaly());
            }
        };
    }

    private Object hang(String what) {
        boolean wasInterrupted = false;
        while (true) {
            try {
                release.await();
                break;
            } catch (InterruptedException e) {
                wasInterrupted = true;
                interrupted.countDown();
            }
        }
        if (wasInterrupted) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException(what + " hung until the test released it");
    }

    private Object garbage(Method m, Object[] args) throws Throwable {
        return switch (fault.point()) {
            case SAVE_SETUP, SAVE_COMPLETE -> {
                ((SectionWriter) args[0]).write(JUNK);
                yield forward(m, args);
            }
            case SAVE_ITERATE -> {
                Object result = forward(m, args);
                ((SectionWriter) args[0]).write(JUNK);
                yield result;
            }
            case QUERY_PENDING_EXACT, LOAD_SECTION -> null;
        };
    }

    private Object forward(Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The interface method behind what the generated class was called with. */
    private static Method declared(Method m) throws NoSuchMethodException {
        Class<?> owner = m.getDeclaringClass();
        if (owner == MigrationDevice.class || owner == AutoCloseable.class) {
            return m;
        }
        try {
            return MigrationDevice.class.getMethod(m.getName(), m.getParameterTypes());
        } catch (NoSuchMethodException e) {
            return AutoCloseable.class.getMethod(m.getName(), m.getParameterTypes());
        }
    }

    private static byte[] junk() {
        byte[] b = new byte[16];
        Arrays.fill(b, (byte) 0xA5);
        return b;
    }
}
