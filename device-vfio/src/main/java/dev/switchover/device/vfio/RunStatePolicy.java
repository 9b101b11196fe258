package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.MigrationFeature;
import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.migration.api.RunState;

import java.util.Set;

/**
 * Which VFIO state the device should be in for a machine run state (QEMU's {@code
 * vfio_vmstate_change}, with one difference noted below).
 *
 * <table>
 *   <caption>target state</caption>
 *   <tr><th>machine</th><th>not migrating</th><th>migrating</th></tr>
 *   <tr><td>running</td><td>RUNNING</td><td>PRE_COPY (RUNNING if the device has no PRE_COPY
 *       or the session is already in STOP_COPY, which can not return to pre-copy)</td></tr>
 *   <tr><td>finish-migrate</td><td>STOP</td><td>STOP_COPY</td></tr>
 *   <tr><td>other stops</td><td>STOP</td><td>PRE_COPY_P2P from a PRE_COPY state (STOP_COPY
 *       without P2P), STOP_COPY stays, otherwise STOP</td></tr>
 * </table>
 *
 * A user {@code stop} during a migration parks the device in PRE_COPY_P2P rather than
 * STOP_COPY as QEMU does: the device is quiet there, and a later {@code cont} continues the same
 * data session in PRE_COPY instead of losing it. RESUMING is left only for a running machine
 * (it is the destination's business to finish a load); ERROR is left only by a reset, which
 * is the caller's decision.
 */
final class RunStatePolicy {

    private RunStatePolicy() {
    }

    static VfioState target(VfioState current, RunState to, boolean migrating, Set<MigrationFeature> features) {
        if (current == VfioState.ERROR) {
            return VfioState.ERROR;
        }
        if (to.isRunning()) {
            boolean preCopy = migrating && features.contains(MigrationFeature.PRE_COPY)
                    && current != VfioState.STOP_COPY && current != VfioState.RESUMING;
            return preCopy ? VfioState.PRE_COPY : VfioState.RUNNING;
        }
        if (current == VfioState.RESUMING) {
            return VfioState.RESUMING;
        }
        if (migrating && to == RunState.FINISH_MIGRATE) {
            return VfioState.STOP_COPY;
        }
        if (migrating && current.isSaving()) {
            if (current == VfioState.STOP_COPY || !features.contains(MigrationFeature.P2P)) {
                return VfioState.STOP_COPY;
            }
            return VfioState.PRE_COPY_P2P;
        }
        return VfioState.STOP;
    }
}
