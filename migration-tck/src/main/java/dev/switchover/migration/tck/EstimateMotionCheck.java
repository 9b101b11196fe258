package dev.switchover.migration.tck;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.SaveOptions;

/**
 * {@link Rule#PENDING07}: an ESTIMATE moves only with what the device sends. ESTIMATE is the
 * last EXACT's figures minus what was sent since, so:
 * <ul>
 *   <li>two ESTIMATEs with nothing in between (no call, no guest write) agree;
 *   <li>across a {@code saveIterate} the stop-copy bucket stays as it was: an iteration sends
 *       pre-copy data only and makes no stop-copy data — even when it sends dirt the last EXACT
 *       did not see (QEMU-style VFIO once took every byte it read out of its cached stop-copy
 *       length, so a running device's stop-copy estimate shrank below the data still to send);
 *   <li>on a quiescent device, across a {@code saveIterate} the total never grows, and shrinks by
 *       no more than the payload the iteration wrote.
 * </ul>
 * All within {@code framingTolerance}.
 */
final class EstimateMotionCheck {

    /** Iterations looked at in each phase: enough to see a trend, few enough to stay fast. */
    private static final int ROUNDS = 8;
    /** Guest writes after the last EXACT: several, so some land outside what that EXACT already counted. */
    private static final int UNSEEN_WRITES = 3;

    private EstimateMotionCheck() {
    }

    static void estimateMovesOnlyWithSends(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        KitMigration m = new KitMigration(src);
        untouched(v, m, "before saveSetup");
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            untouched(v, m, "after saveSetup");
            Pending exact = m.query(QueryMode.EXACT, "after saveSetup");
            acrossIterations(v, m, PendingChecks.smallBudget(exact), true, "on a quiescent device");
            v.dirtyWithin(src); // a running guest: some devices have pre-copy data only from now on (VFIO)
            m.iterateUntilDone(KitMigration.DEFAULT_BUDGET, round -> false); // sends what the figures count
            v.dirtyWithin(src);
            m.query(QueryMode.EXACT, "after dirty() on a drained device");
            for (int i = 0; i < UNSEEN_WRITES; i++) {
                v.dirtyWithin(src); // dirt the last EXACT did not see, which an iteration may send beside the counted
            }
            untouched(v, m, "after a dirty() the last EXACT did not see");
            acrossIterations(v, m, KitMigration.DEFAULT_BUDGET, false,
                    "after a dirty() the last EXACT did not see");
        });
    }

    private static void untouched(MigrationDeviceVerification v, KitMigration m, String when) {
        Pending first = m.query(QueryMode.ESTIMATE, when);
        Pending second = m.query(QueryMode.ESTIMATE, when + ", asked again");
        long tolerance = v.framingTolerance(Math.max(first.total(), second.total()));
        if (differs(first.precopy(), second.precopy(), tolerance) || differs(first.stopcopy(), second.stopcopy(), tolerance)
                || differs(first.postcopy(), second.postcopy(), tolerance)) {
            throw new AssertionError(when + ", two ESTIMATEs with nothing in between reported " + first + " then "
                    + second + ": an untouched device's estimate moved on its own (tolerance " + tolerance + ")");
        }
    }

    private static void acrossIterations(MigrationDeviceVerification v, KitMigration m, long budget,
                                         boolean quiescent, String phase) {
        for (int i = 1; i <= ROUNDS; i++) {
            Pending before = m.query(QueryMode.ESTIMATE, phase + ", before an iteration");
            if (!m.mayIterate(before)) {
                return;
            }
            long written = m.payloadBytes();
            IterationResult r = m.iterate(budget);
            long payload = m.payloadBytes() - written;
            String when = phase + ", iteration " + m.rounds() + " of " + budget + " bytes (it wrote " + payload
                    + " payload bytes)";
            Pending after = m.query(QueryMode.ESTIMATE, when);
            long tolerance = v.framingTolerance(Math.max(before.total(), after.total()));
            if (differs(before.stopcopy(), after.stopcopy(), tolerance)) {
                throw new AssertionError(when + ": the ESTIMATE's stop-copy bucket went from " + before.stopcopy()
                        + " to " + after.stopcopy() + " bytes (" + before + " -> " + after + "); an iteration sends "
                        + "pre-copy data only and makes no stop-copy data, so that bucket must not "
                        + (after.stopcopy() < before.stopcopy() ? "shrink" : "grow") + " (tolerance " + tolerance + ")");
            }
            if (quiescent && after.total() > before.total() + tolerance) {
                throw new AssertionError(when + ": the ESTIMATE's total grew from " + before.total() + " to "
                        + after.total() + " bytes on a quiescent device: nothing was written to it, and sending only "
                        + "takes data away (tolerance " + tolerance + ")");
            }
            if (quiescent && before.total() - after.total() > payload + tolerance) {
                throw new AssertionError(when + ": the ESTIMATE's total shrank from " + before.total() + " to "
                        + after.total() + " bytes, " + (before.total() - after.total() - payload)
                        + " bytes more than the iteration sent (tolerance " + tolerance + ")");
            }
            if (r == IterationResult.DONE) {
                return;
            }
        }
    }

    private static boolean differs(long a, long b, long tolerance) {
        return Math.max(a, b) - Math.min(a, b) > tolerance;
    }
}
