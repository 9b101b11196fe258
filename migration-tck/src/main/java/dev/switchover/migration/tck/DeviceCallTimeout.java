package dev.switchover.migration.tck;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one device call the kit makes under a deadline, so that a device that never returns
 * fails the rule being checked instead of hanging the build.
 *
 * <p>Each call runs on a virtual thread of its own while the test thread waits for it; what
 * the call returns or throws is handed back unchanged. When the call outlives the timeout the
 * kit interrupts its thread, leaves it behind, and throws a {@link RuleFinding} that names the
 * call, the timeout and the rule. The timeout is a hang detector, not a performance bound: a
 * conforming device returns from every call in far less.
 *
 * <p>The default is {@value #DEFAULT_SECONDS} seconds, or {@code -D}{@value #PROPERTY} (an ISO
 * duration such as {@code PT5S}, or milliseconds); a verification sets its own with {@link
 * MigrationDeviceVerification#deviceCallTimeout()}.
 */
final class DeviceCallTimeout {

    /** The system property that sets the default timeout: {@code -Dswitchover.tck.call-timeout=PT5S}. */
    static final String PROPERTY = "switchover.tck.call-timeout";

    static final int DEFAULT_SECONDS = 30;

    private DeviceCallTimeout() {
    }

    /** A device call. */
    @FunctionalInterface
    interface Body<T> {
        T call() throws IOException;
    }

    /**
     * The timeout from {@value #PROPERTY}, or {@value #DEFAULT_SECONDS} seconds.
     *
     * @throws IllegalArgumentException if the property is set to something that is not a positive duration
     */
    static Duration fromProperty() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return Duration.ofSeconds(DEFAULT_SECONDS);
        }
        Duration d;
        try {
            d = v.strip().matches("\\d+") ? Duration.ofMillis(Long.parseLong(v.strip())) : Duration.parse(v.strip());
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + " is not a duration (PT5S, or milliseconds)");
        }
        return requirePositive(d, "-D" + PROPERTY);
    }

    static Duration requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " is " + d + "; the device call timeout must be positive");
        }
        return d;
    }

    /**
     * Calls {@code body} on its own thread and waits at most {@code timeout} for it.
     *
     * @param what the call, as failure messages name it: {@code queryPending(EXACT) after saveSetup}
     * @param rule the rule a hang breaks
     * @throws RuleFinding  if the call does not return within {@code timeout}
     * @throws IOException  what the call threw
     */
    static <T> T call(Duration timeout, String what, Rule rule, Body<T> body) throws IOException {
        FutureTask<T> task = new FutureTask<>(body::call);
        Thread t = Thread.ofVirtual().name("tck " + what).start(task);
        try {
            return task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            String where = where(t);
            t.interrupt();
            throw new RuleFinding(rule, what + " did not return within " + timeout.toMillis()
                    + " ms, the kit's device call timeout (a hang detector, not a performance bound): the call "
                    + "was abandoned on its thread, still inside the device" + where, null);
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            switch (c) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new AssertionError(what + " threw " + c, c);
            }
        }
    }

    /** Where the abandoned thread is, for the message: the device's own top frame. */
    private static String where(Thread t) {
        for (StackTraceElement f : t.getStackTrace()) {
            String c = f.getClassName();
            String pkg = c.lastIndexOf('.') < 0 ? "" : c.substring(0, c.lastIndexOf('.'));
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")
                    && !pkg.equals(DeviceCallTimeout.class.getPackageName())) {
                return " (at " + f + ")";
            }
        }
        return "";
    }
}
