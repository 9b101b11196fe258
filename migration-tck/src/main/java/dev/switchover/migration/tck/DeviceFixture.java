package dev.switchover.migration.tck;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceTracer;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One device under test with the host side around it: the {@link DeviceContext} it was created
 * with, a run state the kit controls, and the device's recent trace events.
 *
 * <p>The kit plays the host: it changes the run state with {@link #changeRunState}, which
 * updates what {@link DeviceContext#runState()} shows and then calls {@link
 * MigrationDevice#onRunStateChange}, in that order, as the core does. A source starts {@link
 * RunState#PAUSED} (so a device with a workload is quiescent), a destination {@link
 * RunState#INMIGRATE}.
 *
 * <p>Every call the kit makes on the device through a fixture (its creation included) runs
 * under the fixture's {@link #callTimeout()}: a call that does not return within it fails,
 * naming the call and the rule, instead of hanging the build.
 *
 * <p><b>Thread:</b> the run state may be read from any thread; changes come from the test thread.
 *
 * @since 0.1
 */
public final class DeviceFixture {

    /** How many trace events a fixture keeps for failure messages. */
    public static final int KEPT_TRACES = 32;

    private final DeviceContext context;
    private final Duration callTimeout;
    private final MigrationDevice device;
    private final Deque<String> traces = new ArrayDeque<>();
    private volatile RunState runState;

    private DeviceFixture(String id, Map<String, String> properties, RunState initial, Duration callTimeout,
                          Function<DeviceContext, ? extends MigrationDevice> factory) {
        this.runState = Objects.requireNonNull(initial);
        this.callTimeout = DeviceCallTimeout.requirePositive(callTimeout, "the call timeout of device '" + id + "'");
        this.context = DeviceContext.builder(id)
                .properties(properties)
                .runState(() -> runState)
                .tracer(new Recorder())
                .build();
        MigrationDevice d = unchecked(() -> DeviceCallTimeout.call(callTimeout,
                "creating device '" + id + "' from " + properties, null, () -> factory.apply(context)));
        if (d == null) {
            throw new AssertionError("the device factory returned null for device '" + id + "'");
        }
        this.device = d;
    }

    /**
     * Builds a context for device {@code id} with {@code properties} and run state {@code
     * initial}, and creates the device from it with {@code factory}.
     *
     * @throws AssertionError if the factory returns {@code null}
     */
    public static DeviceFixture create(String id, Map<String, String> properties, RunState initial,
                                       Function<DeviceContext, ? extends MigrationDevice> factory) {
        return create(id, properties, initial, DeviceCallTimeout.fromProperty(), factory);
    }

    /**
     * {@link #create(String, Map, RunState, Function)} with a device call timeout of its own
     * instead of the default (30 seconds, or {@code -Dswitchover.tck.call-timeout}).
     *
     * @param callTimeout how long any one device call may take before the kit calls it hung
     * @throws AssertionError if the factory returns {@code null} or does not return within {@code callTimeout}
     */
    public static DeviceFixture create(String id, Map<String, String> properties, RunState initial,
                                       Duration callTimeout,
                                       Function<DeviceContext, ? extends MigrationDevice> factory) {
        return new DeviceFixture(id, properties, initial, callTimeout, factory);
    }

    /**
     * A source: device {@code id} created by {@code provider} from {@code properties}, the way
     * the core creates it, in a machine that is {@link RunState#PAUSED} (so a workload is
     * quiescent until the test runs the machine).
     *
     * @throws AssertionError if the provider returns {@code null}
     */
    public static DeviceFixture source(MigrationDeviceProvider provider, String id, Map<String, String> properties) {
        return create(id, properties, RunState.PAUSED, provider::create);
    }

    /**
     * A destination: device {@code id} created by {@code provider} from {@code properties}, in a
     * machine that is {@link RunState#INMIGRATE}, ready for {@link KitMigration#loadInto}.
     *
     * @throws AssertionError if the provider returns {@code null}
     */
    public static DeviceFixture destination(MigrationDeviceProvider provider, String id,
                                            Map<String, String> properties) {
        return create(id, properties, RunState.INMIGRATE, provider::create);
    }

    /** {@return the context the device was created with} */
    public DeviceContext context() {
        return context;
    }

    /** {@return how long any one device call through this fixture may take before the kit calls it hung} */
    public Duration callTimeout() {
        return callTimeout;
    }

    /** {@return the device under test} */
    public MigrationDevice device() {
        return device;
    }

    /**
     * {@return the device under test as its own class} For a device's own tests, which reach
     * past the SPI (to write guest memory, say).
     *
     * @throws AssertionError if the device is not a {@code type}
     */
    public <D extends MigrationDevice> D device(Class<D> type) {
        if (!type.isInstance(device)) {
            throw new AssertionError("the device is a " + device.getClass().getName() + ", not a " + type.getName());
        }
        return type.cast(device);
    }

    /** {@return the run state the device sees now} */
    public RunState runState() {
        return runState;
    }

    /**
     * Moves the machine to {@code to} and tells the device, as the core does: the new state is
     * visible through the context before {@code onRunStateChange(from, to)} is called. No-op if
     * the state does not change.
     *
     * @throws AssertionError if the device's {@code onRunStateChange} throws
     */
    public void changeRunState(RunState to) {
        RunState from = runState;
        if (from == to) {
            return;
        }
        runState = to;
        String what = "onRunStateChange(" + from.qmpName() + ", " + to.qmpName() + ")";
        try {
            call(what, null, () -> {
                device.onRunStateChange(from, to);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(what + " threw " + e, e);
        }
    }

    /**
     * Makes one device call under {@link #callTimeout()}: what it returns or throws comes back
     * unchanged.
     *
     * @param what the call, for the message: {@code saveIterate (round 3)}
     * @param rule the rule a hang breaks, or {@code null} for the rule being checked
     * @throws RuleFinding if the call does not return in time
     */
    <T> T call(String what, Rule rule, DeviceCallTimeout.Body<T> body) throws IOException {
        return DeviceCallTimeout.call(callTimeout, what, rule, body);
    }

    /**
     * {@return the device's {@code stateDigest()}, called under the call timeout}
     *
     * @param when where, for the message: {@code after loading v1.bin}
     * @throws AssertionError if the call throws, returns {@code null} or does not return in time
     */
    byte[] digest(String when) {
        byte[] d;
        try {
            d = call("stateDigest() " + when, null, device::stateDigest);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("stateDigest() " + when + " threw " + e, e);
        }
        if (d == null) {
            throw new AssertionError("stateDigest() " + when + " returned null");
        }
        return d;
    }

    private static <T> T unchecked(DeviceCallTimeout.Body<T> body) {
        try {
            return body.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the device's most recent trace events (at most {@link #KEPT_TRACES}), oldest first} */
    public List<String> traces() {
        synchronized (traces) {
            return new ArrayList<>(traces);
        }
    }

    /**
     * Waits until {@code value} (a device's own counter: guest writes, pages dirtied) reaches
     * {@code target}, polling every few milliseconds: for tests of a workload that runs while the
     * machine runs. A hang guard of 30 seconds, not a timing assertion.
     *
     * @throws AssertionError if the value stays below {@code target} for 30 seconds
     */
    public static void awaitAtLeast(LongSupplier value, long target) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (value.getAsLong() < target) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the value stayed at " + value.getAsLong() + " for 30 s, wanted " + target);
            }
            Thread.sleep(2);
        }
    }

    /** Keeps the last few trace events so a failure message can show what the device saw. */
    private final class Recorder implements DeviceTracer {
        @Override
        public boolean isEnabled() {
            return true;
        }

        @Override
        public void trace(String event, String detail) {
            synchronized (traces) {
                if (traces.size() == KEPT_TRACES) {
                    traces.removeFirst();
                }
                traces.addLast(event + " " + detail);
            }
        }
    }
}
