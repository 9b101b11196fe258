package dev.switchover.migration.tck;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceTracer;
import dev.switchover.migration.spi.MigrationDevice;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

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
 * <p><b>Thread:</b> the run state may be read from any thread; changes come from the test thread.
 *
 * @since 0.1
 */
public final class DeviceFixture {

    /** How many trace events a fixture keeps for failure messages. */
    public static final int KEPT_TRACES = 32;

    private final DeviceContext context;
    private final MigrationDevice device;
    private final Deque<String> traces = new ArrayDeque<>();
    private volatile RunState runState;

    private DeviceFixture(String id, Map<String, String> properties, RunState initial,
                          Function<DeviceContext, ? extends MigrationDevice> factory) {
        this.runState = Objects.requireNonNull(initial);
        this.context = DeviceContext.builder(id)
                .properties(properties)
                .runState(() -> runState)
                .tracer(new Recorder())
                .build();
        MigrationDevice d = factory.apply(context);
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
        return new DeviceFixture(id, properties, initial, factory);
    }

    /** {@return the context the device was created with} */
    public DeviceContext context() {
        return context;
    }

    /** {@return the device under test} */
    public MigrationDevice device() {
        return device;
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
        try {
            device.onRunStateChange(from, to);
        } catch (RuntimeException e) {
            throw new AssertionError("onRunStateChange(" + from.qmpName() + ", " + to.qmpName() + ") threw " + e, e);
        }
    }

    /** {@return the device's most recent trace events (at most {@link #KEPT_TRACES}), oldest first} */
    public List<String> traces() {
        synchronized (traces) {
            return new ArrayList<>(traces);
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
