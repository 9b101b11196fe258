package dev.switchover.migration.core.internal.engine;

import java.util.List;

/** What one round of the pre-copy loop decided. */
public sealed interface RoundDecision {

    /** Send a chunk of each of these devices' iterable data. */
    record Iterate(List<DeviceSlot> devices) implements RoundDecision {
        public Iterate {
            devices = List.copyOf(devices);
        }
    }

    /**
     * Nothing can be iterated and what is left is above the threshold (stop-copy data): wait
     * until {@code untilNanos} (the next bandwidth window) or a parameter change. Never spin.
     */
    record Wait(long untilNanos) implements RoundDecision {
    }

    /** An EXACT query of this round fits the threshold: stop the machine and complete. */
    record Switchover(PendingSnapshot exact) implements RoundDecision {
    }
}
