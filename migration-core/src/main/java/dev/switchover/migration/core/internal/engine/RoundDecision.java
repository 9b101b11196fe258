package dev.switchover.migration.core.internal.engine;

import java.util.List;

/**
 * What one round of the pre-copy loop does: the {@link SwitchoverDecision} made concrete with
 * the devices to iterate, the time to wait until or the figures to switch over on. Each carries
 * the reasons of the decision.
 */
public sealed interface RoundDecision {

    /** Why the round decided this. */
    SwitchoverDecision.Reasons why();

    /** Send a chunk of each of these devices' iterable data. */
    record Iterate(List<DeviceSlot> devices, SwitchoverDecision.Reasons why) implements RoundDecision {
        public Iterate {
            devices = List.copyOf(devices);
        }
    }

    /**
     * Nothing can be iterated and what is left is above the threshold (stop-copy data): wait
     * until {@code untilNanos} (the next bandwidth window) or a parameter change. Never spin.
     */
    record Wait(long untilNanos, SwitchoverDecision.Reasons why) implements RoundDecision {
    }

    /** An EXACT query of this round fits the threshold: stop the machine and complete. */
    record Switchover(PendingSnapshot exact, SwitchoverDecision.Reasons why) implements RoundDecision {
    }
}
