package dev.switchover.it.faults;

import java.util.Objects;

/**
 * One injected fault: the device (by id), the call and what it does there.
 *
 * @param deviceId  the id of the device that misbehaves; its siblings of the same type do not
 * @param point     the call, and which occurrence of it
 * @param behaviour what it does instead
 */
record Fault(String deviceId, FaultPoint point, FaultBehaviour behaviour) {

    Fault {
        Objects.requireNonNull(deviceId);
        Objects.requireNonNull(point);
        Objects.requireNonNull(behaviour);
        if (behaviour == FaultBehaviour.ABSURD_FIGURES && point != FaultPoint.QUERY_PENDING_EXACT) {
            throw new IllegalArgumentException("only queryPending has figures to make absurd, not " + point);
        }
    }
}
