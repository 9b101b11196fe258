package dev.switchover.device.vfio.driver;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;

import static dev.switchover.device.vfio.driver.VfioState.PRE_COPY;
import static dev.switchover.device.vfio.driver.VfioState.PRE_COPY_P2P;
import static dev.switchover.device.vfio.driver.VfioState.RESUMING;
import static dev.switchover.device.vfio.driver.VfioState.RUNNING;
import static dev.switchover.device.vfio.driver.VfioState.RUNNING_P2P;
import static dev.switchover.device.vfio.driver.VfioState.STOP;
import static dev.switchover.device.vfio.driver.VfioState.STOP_COPY;

/**
 * The single arcs of the VFIO migration state machine, as {@code linux/vfio.h} lists them for
 * {@code VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE}. With every feature (STOP_COPY, P2P, PRE_COPY)
 * there are fifteen:
 *
 * <pre>
 *   STOP         -> RUNNING_P2P, STOP_COPY, RESUMING
 *   RUNNING      -> RUNNING_P2P, PRE_COPY
 *   STOP_COPY    -> STOP                       (STOP_COPY -> PRE_COPY* is refused)
 *   RESUMING     -> STOP
 *   RUNNING_P2P  -> STOP, RUNNING, PRE_COPY_P2P
 *   PRE_COPY     -> RUNNING, PRE_COPY_P2P
 *   PRE_COPY_P2P -> PRE_COPY, RUNNING_P2P, STOP_COPY
 * </pre>
 *
 * Without P2P the P2P states do not exist and the kernel skips them, which leaves the arcs
 * {@code STOP <-> RUNNING} and {@code PRE_COPY -> STOP_COPY}. Without PRE_COPY the PRE_COPY
 * states and their arcs do not exist. {@code ERROR} is never the target of an arc: any failed
 * request may leave the device there, and only a reset leaves it.
 *
 * <p>Arcs into the saving group from outside it ({@code RUNNING -> PRE_COPY}, {@code
 * RUNNING_P2P -> PRE_COPY_P2P}, {@code STOP -> STOP_COPY}) open a new data session; arcs out of
 * it end the session; arcs inside it keep the session.
 */
public final class VfioArcs {

    /** One arc. */
    public record Arc(VfioState from, VfioState to) {
        @Override
        public String toString() {
            return from + " -> " + to;
        }
    }

    private VfioArcs() {
    }

    /** The legal single arcs for a device with {@code features}. */
    public static Set<Arc> legal(Set<MigrationFeature> features) {
        boolean p2p = features.contains(MigrationFeature.P2P);
        boolean preCopy = features.contains(MigrationFeature.PRE_COPY);
        Set<Arc> arcs = new LinkedHashSet<>();
        arcs.add(new Arc(STOP, STOP_COPY));
        arcs.add(new Arc(STOP_COPY, STOP));
        arcs.add(new Arc(STOP, RESUMING));
        arcs.add(new Arc(RESUMING, STOP));
        if (p2p) {
            arcs.add(new Arc(STOP, RUNNING_P2P));
            arcs.add(new Arc(RUNNING_P2P, STOP));
            arcs.add(new Arc(RUNNING, RUNNING_P2P));
            arcs.add(new Arc(RUNNING_P2P, RUNNING));
        } else {
            arcs.add(new Arc(STOP, RUNNING));
            arcs.add(new Arc(RUNNING, STOP));
        }
        if (preCopy) {
            arcs.add(new Arc(RUNNING, PRE_COPY));
            arcs.add(new Arc(PRE_COPY, RUNNING));
            if (p2p) {
                arcs.add(new Arc(RUNNING_P2P, PRE_COPY_P2P));
                arcs.add(new Arc(PRE_COPY_P2P, RUNNING_P2P));
                arcs.add(new Arc(PRE_COPY, PRE_COPY_P2P));
                arcs.add(new Arc(PRE_COPY_P2P, PRE_COPY));
                arcs.add(new Arc(PRE_COPY_P2P, STOP_COPY));
            } else {
                arcs.add(new Arc(PRE_COPY, STOP_COPY));
            }
        }
        return Collections.unmodifiableSet(arcs);
    }

    /** Whether {@code from -> to} is one legal arc for a device with {@code features}. */
    public static boolean isLegal(VfioState from, VfioState to, Set<MigrationFeature> features) {
        return legal(features).contains(new Arc(from, to));
    }

    /** The states a device with {@code features} has (ERROR included). */
    public static Set<VfioState> states(Set<MigrationFeature> features) {
        Set<VfioState> states = EnumSet.of(VfioState.ERROR, STOP, RUNNING, STOP_COPY, RESUMING);
        boolean p2p = features.contains(MigrationFeature.P2P);
        boolean preCopy = features.contains(MigrationFeature.PRE_COPY);
        if (p2p) {
            states.add(RUNNING_P2P);
        }
        if (preCopy) {
            states.add(PRE_COPY);
        }
        if (p2p && preCopy) {
            states.add(PRE_COPY_P2P);
        }
        return states;
    }
}
