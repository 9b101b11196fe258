package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.MigrationFeature;
import dev.switchover.device.vfio.driver.VfioDriverException;
import dev.switchover.device.vfio.driver.VfioMigrationDriver;
import dev.switchover.device.vfio.driver.VfioPaths;
import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.device.vfio.trace.StateArcEvent;
import dev.switchover.migration.spi.DeviceFailureException;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Moves the driver between states one legal arc at a time ({@link VfioPaths}) and mirrors the
 * state it reached, so that cheap readers ({@code ESTIMATE}, {@code isActiveIterate}) never
 * have to ask the driver. Every arc and reset is a JFR {@link StateArcEvent}, and every change
 * of the mirrored state is reported to an {@link Observer}.
 *
 * <p>After a failed arc the mirror is refreshed from the driver ({@code GET} device state),
 * which may report ERROR.
 *
 * <p><b>Threads:</b> {@link #walkTo} and {@link #reset} are called with the device lock held;
 * {@link #current()} may be read from any thread.
 */
final class StateWalker {

    /** Sees every change of the mirrored state, under the device lock. */
    interface Observer {
        void changed(VfioState from, VfioState to);
    }

    private final VfioMigrationDriver driver;
    private final Set<MigrationFeature> features;
    private final String deviceId;
    private final Observer observer;
    private volatile VfioState current;

    StateWalker(VfioMigrationDriver driver, String deviceId, Observer observer) throws VfioDriverException {
        this.driver = driver;
        this.features = Set.copyOf(driver.features());
        this.deviceId = deviceId;
        this.observer = observer;
        this.current = driver.state();
    }

    VfioState current() {
        return current;
    }

    Set<MigrationFeature> features() {
        return features;
    }

    /**
     * Walks to {@code target} along the planned path.
     *
     * @throws IOException if no permitted path exists or an arc fails; the message names the
     *                     device, the arc and the state the device is in now
     */
    void walkTo(VfioState target) throws IOException {
        if (target == current) {
            return;
        }
        List<VfioState> path;
        try {
            path = VfioPaths.plan(current, target, features);
        } catch (IllegalArgumentException e) {
            throw new DeviceFailureException(prefix() + "can not go from " + current + " to " + target + ": "
                    + e.getMessage(), e);
        }
        for (VfioState next : path) {
            step(next);
        }
    }

    private void step(VfioState next) throws IOException {
        VfioState from = current;
        StateArcEvent event = begin(from, next.name());
        try {
            driver.setState(next);
            move(next);
        } catch (VfioDriverException | RuntimeException e) {
            event.failed = true;
            event.error = String.valueOf(e.getMessage());
            move(stateAfterFailure());
            throw new DeviceFailureException(prefix() + "VFIO arc " + from + " -> " + next + " failed: "
                    + e.getMessage()
                    + " (device state afterwards: " + current + ")", e);
        } finally {
            event.result = current.name();
            event.commit();
        }
    }

    /** {@code VFIO_DEVICE_RESET}: the way out of ERROR; ends any session, lands in RUNNING. */
    void reset() throws IOException {
        StateArcEvent event = begin(current, "RESET");
        try {
            driver.reset();
            move(VfioState.RUNNING);
        } catch (VfioDriverException | RuntimeException e) {
            event.failed = true;
            event.error = String.valueOf(e.getMessage());
            move(stateAfterFailure());
            throw new DeviceFailureException(prefix() + "VFIO device reset failed: " + e.getMessage(), e);
        } finally {
            event.result = current.name();
            event.commit();
        }
    }

    private VfioState stateAfterFailure() {
        try {
            return driver.state();
        } catch (VfioDriverException | RuntimeException e) {
            return VfioState.ERROR;
        }
    }

    private void move(VfioState to) {
        VfioState from = current;
        if (from != to) {
            current = to;
            observer.changed(from, to);
        }
    }

    private StateArcEvent begin(VfioState from, String to) {
        StateArcEvent event = new StateArcEvent();
        event.begin();
        event.device = deviceId;
        event.from = from.name();
        event.to = to;
        return event;
    }

    private String prefix() {
        return "device '" + deviceId + "': ";
    }
}
