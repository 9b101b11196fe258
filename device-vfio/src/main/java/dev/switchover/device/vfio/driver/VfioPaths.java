package dev.switchover.device.vfio.driver;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans the shortest sequence of single arcs from one state to another, with the rules the
 * kernel applies to a combination request ({@code vfio_mig_get_next_state()}):
 * <ul>
 *   <li>no path passes through RESUMING or ERROR;
 *   <li>a path passes through a saving-group state only if it starts and ends in the saving
 *       group (so a session is neither opened nor ended by accident: {@code RUNNING ->
 *       STOP_COPY} goes {@code RUNNING_P2P, STOP, STOP_COPY}, never through PRE_COPY);
 *   <li>{@code STOP_COPY -> PRE_COPY} and {@code STOP_COPY -> PRE_COPY_P2P} are refused;
 *   <li>ERROR is never a target, and nothing but a reset leaves it.
 * </ul>
 * Ties between equally short paths are broken by {@link VfioState} order, so plans are stable.
 */
public final class VfioPaths {

    private VfioPaths() {
    }

    /**
     * The states to request, in order, to go from {@code from} to {@code to}; empty when they
     * are equal.
     *
     * @throws IllegalArgumentException if no permitted path exists, naming both states and why
     */
    public static List<VfioState> plan(VfioState from, VfioState to, Set<MigrationFeature> features) {
        Set<VfioState> states = VfioArcs.states(features);
        if (to == VfioState.ERROR) {
            throw new IllegalArgumentException("ERROR can not be requested");
        }
        if (from == VfioState.ERROR) {
            throw new IllegalArgumentException("the device is in ERROR; only a reset leaves it");
        }
        if (!states.contains(to) || !states.contains(from)) {
            throw new IllegalArgumentException("the device has no state " + (states.contains(to) ? from : to)
                    + " (features " + features + ")");
        }
        if (from == to) {
            return List.of();
        }
        if (from == VfioState.STOP_COPY && to.isPreCopy()) {
            throw new IllegalArgumentException("STOP_COPY -> " + to + " is not permitted by the VFIO uAPI");
        }
        boolean savingInterior = from.isSaving() && to.isSaving();
        Set<VfioArcs.Arc> arcs = VfioArcs.legal(features);
        Map<VfioState, VfioState> previous = new EnumMap<>(VfioState.class);
        ArrayDeque<VfioState> queue = new ArrayDeque<>();
        queue.add(from);
        previous.put(from, from);
        while (!queue.isEmpty()) {
            VfioState s = queue.removeFirst();
            if (s == to) {
                return unwind(previous, from, to);
            }
            if (s != from && !mayPassThrough(s, savingInterior)) {
                continue;
            }
            for (VfioState next : VfioState.values()) {
                if (!previous.containsKey(next) && arcs.contains(new VfioArcs.Arc(s, next))) {
                    previous.put(next, s);
                    queue.addLast(next);
                }
            }
        }
        throw new IllegalArgumentException("no permitted path from " + from + " to " + to);
    }

    private static boolean mayPassThrough(VfioState s, boolean savingInterior) {
        if (s == VfioState.RESUMING || s == VfioState.ERROR) {
            return false;
        }
        return !s.isSaving() || savingInterior;
    }

    private static List<VfioState> unwind(Map<VfioState, VfioState> previous, VfioState from, VfioState to) {
        List<VfioState> path = new ArrayList<>();
        for (VfioState s = to; s != from; s = previous.get(s)) {
            path.add(s);
        }
        Collections.reverse(path);
        return List.copyOf(path);
    }
}
