package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run-state change times the devices' own work apart from handing the change to their threads:
 * a destination's resume is predicted from the hand-offs of its last change alone, since the
 * devices' work there (preparing to receive state) is not what a resume does.
 */
class RunStateNotifierTest {

    @Test
    void theSlowestDevicesOwnCallIsTimedOnTheMachinesClock() {
        AtomicLong now = new AtomicLong();
        DeviceSlot slow = new DeviceSlot("dev0", "scripted", new ScriptedDevice() {
            @Override
            public void onRunStateChange(RunState from, RunState to) {
                now.addAndGet(7_000_000); // its own work: 7 ms on the machine's clock
            }
        }, "scripted", 0);
        RunStateNotifier notifier = new RunStateNotifier(Duration.ofSeconds(5), now::get);

        assertThat(notifier.notify(List.of(slow), RunState.RUNNING, RunState.PAUSED)).isEmpty();
        assertThat(notifier.lastSlowestDeviceNanos()).isEqualTo(7_000_000);

        notifier.notify(List.of(), RunState.PAUSED, RunState.RUNNING);
        assertThat(notifier.lastSlowestDeviceNanos()).as("no device, no device work").isZero();
    }
}
