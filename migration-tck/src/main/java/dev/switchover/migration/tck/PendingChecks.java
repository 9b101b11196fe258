package dev.switchover.migration.tck;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import org.junit.jupiter.api.Assumptions;

/**
 * The checks of the pending contract that run on one thread: {@link Rule#PENDING01}, {@link
 * Rule#PENDING02}, {@link Rule#PENDING03}, {@link Rule#PENDING05}, {@link Rule#PENDING06}.
 */
final class PendingChecks {

    /** Iterations {@link Rule#PENDING03} compares after: "a few", and never the one that drains. */
    private static final int COMPARED_ITERATIONS = 3;

    private PendingChecks() {
    }

    /**
     * {@link Rule#PENDING01}: queries both modes (ESTIMATE first, so it is the cache minus what was
     * sent) before setup, after setup, after every small iteration, after dirt, after complete and
     * after cleanup. {@link Pending} can not hold a negative bucket, so a device whose arithmetic
     * goes negative throws, and the kit reports where.
     */
    static void bucketsAreNonNegative(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        KitMigration m = new KitMigration(src);
        probe(m, "before saveSetup");
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            probe(m, "after saveSetup");
            long budget = smallBudget(m.query(QueryMode.EXACT, "after saveSetup"));
            m.iterateUntilDone(budget, round -> {
                probe(m, "after iteration " + round);
                return false;
            });
            v.dirtyWithin(src);
            probe(m, "after dirty() on a drained device");
            m.iterateUntilDone(budget, round -> {
                probe(m, "after iteration " + round + " (re-sending dirt)");
                return false;
            });
            m.complete();
            probe(m, "after saveComplete");
        });
        probe(m, "after saveCleanup");
    }

    /**
     * {@link Rule#PENDING02}: conservation, at two points of a quiescent migration. The EXACT
     * total before setup must match every payload byte the device then writes; the EXACT total
     * right before the stop must match what {@code saveComplete} writes.
     */
    static void conservation(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        KitMigration m = new KitMigration(src);
        Pending before = m.query(QueryMode.EXACT, "before saveSetup");
        Pending[] atStop = new Pending[1];
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            m.iterateUntilDone(KitMigration.DEFAULT_BUDGET, round -> false);
            atStop[0] = m.query(QueryMode.EXACT, "right before the stop");
            m.complete();
        });
        balance(v, "EXACT before saveSetup", before, "every section (" + m.sections() + ")", m.payloadBytes());
        long end = m.sections().stream().filter(s -> s.kind() == SectionKind.END)
                .mapToLong(s -> s.payload().length).sum();
        balance(v, "EXACT right before the stop", atStop[0], "saveComplete's END section", end);
    }

    private static void balance(MigrationDeviceVerification v, String when, Pending reported, String what,
                                long written) {
        long total = reported.total();
        long tolerance = v.framingTolerance(written);
        if (total > Bytes.saturatingAdd(written, tolerance)) {
            long excess = total - written;
            String figures = when + " reported " + reported + ", " + total + " bytes in all, but the device then "
                    + "wrote only " + written + " payload bytes in " + what + ": " + excess
                    + " bytes more reported than sent (framing tolerance " + tolerance + ")";
            throw new AssertionError(figures + ": " + overCount(reported, excess, tolerance));
        }
        if (written > Bytes.saturatingAdd(total, tolerance)) {
            throw new AssertionError(when + " reported " + reported + ", " + total + " bytes in all, but the device "
                    + "then wrote " + written + " payload bytes in " + what + ": under-reported: " + (written - total)
                    + " bytes sent that no bucket reported (framing tolerance " + tolerance + "); check that the "
                    + "figures count every byte the save calls write: a stop-copy size that leaves part of the state "
                    + "out, dirt the figures never folded in");
        }
    }

    /**
     * Names what a device that reported more than it sent did: double counted, or over-reported.
     * Tells double counting from an under-send. A byte counted in two buckets makes the excess
     * equal to the overlap, which is a whole bucket when one bucket's size includes another's
     * (VFIO's stop-copy length includes its pre-copy data); an excess that matches no bucket
     * while several are non-zero, or any excess with a single non-zero bucket, is data reported
     * but never sent.
     */
    static String overCount(Pending reported, long excess, long tolerance) {
        long[] buckets = {reported.precopy(), reported.stopcopy(), reported.postcopy()};
        String[] names = {"precopy", "stopcopy", "postcopy"};
        int nonZero = 0;
        for (long b : buckets) {
            nonZero += b > 0 ? 1 : 0;
        }
        for (int i = 0; i < buckets.length && nonZero > 1; i++) {
            if (buckets[i] > 0 && Math.abs(buckets[i] - excess) <= tolerance) {
                return "double counted: the excess equals the " + names[i] + " bucket, so those bytes are counted "
                        + "in more than one bucket";
            }
        }
        return "over-reported: the excess matches no bucket, so this is not double counting but an under-send: the "
                + "device reports data it never writes (check the last partial record, the budget arithmetic, and "
                + "that saveComplete writes everything the figures still count)";
    }

    /**
     * {@link Rule#PENDING03}: on a quiescent device, compares ESTIMATE with EXACT before setup,
     * after setup and after each of a few quarter-size iterations (ESTIMATE taken before the
     * EXACT, and again right after it).
     */
    static void estimateMatchesExact(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        KitMigration m = new KitMigration(src);
        Pending estimate = m.query(QueryMode.ESTIMATE, "before saveSetup");
        compare(v, "before saveSetup", estimate, m.query(QueryMode.EXACT, "before saveSetup"));
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            Pending exact = m.query(QueryMode.EXACT, "after saveSetup");
            compare(v, "after saveSetup", m.query(QueryMode.ESTIMATE, "after saveSetup"), exact);
            long budget = smallBudget(exact);
            for (int i = 1; i <= COMPARED_ITERATIONS && m.mayIterate(exact); i++) {
                IterationResult r = m.iterate(budget);
                String when = "after iteration " + i + " of " + budget + " bytes";
                Pending before = m.query(QueryMode.ESTIMATE, when);
                exact = m.query(QueryMode.EXACT, when);
                compare(v, when + " (ESTIMATE taken before the EXACT)", before, exact);
                compare(v, when + " (ESTIMATE right after the EXACT)", m.query(QueryMode.ESTIMATE, when), exact);
                if (r == IterationResult.DONE) {
                    break;
                }
            }
        });
    }

    private static void compare(MigrationDeviceVerification v, String when, Pending estimate, Pending exact) {
        long tolerance = v.framingTolerance(exact.total());
        check(when, "precopy", estimate.precopy(), exact.precopy(), tolerance, estimate, exact);
        check(when, "stopcopy", estimate.stopcopy(), exact.stopcopy(), tolerance, estimate, exact);
        check(when, "postcopy", estimate.postcopy(), exact.postcopy(), tolerance, estimate, exact);
    }

    private static void check(String when, String bucket, long est, long exact, long tolerance, Pending estimate,
                              Pending exactFigures) {
        long diff = Math.max(est, exact) - Math.min(est, exact);
        if (diff > tolerance) {
            throw new AssertionError(when + ", ESTIMATE reported " + estimate + " but EXACT reported " + exactFigures
                    + ": the " + bucket + " bucket differs by " + diff + " bytes (tolerance " + tolerance + ")");
        }
    }

    /** {@link Rule#PENDING05}: after a migration with dirt right before the stop, EXACT is zero. */
    static void zeroAfterSaveComplete(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        KitMigration m = new KitMigration(src);
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            m.iterateUntilDone(KitMigration.DEFAULT_BUDGET, round -> false);
            v.dirtyWithin(src);
            m.complete();
            Pending after = m.query(QueryMode.EXACT, "after saveComplete");
            if (!after.isEmpty()) {
                throw new AssertionError("after saveComplete, EXACT still reports " + after
                        + "; saveComplete must send everything left and the figures must drop to zero");
            }
        });
    }

    /**
     * {@link Rule#PENDING06}: for a device without postcopy support, the postcopy bucket stays
     * zero in both modes, before setup and during a migration with postcopy off and on.
     */
    static void noPostcopyWithoutSupport(MigrationDeviceVerification v) {
        Assumptions.assumeFalse(v.supportsPostcopy(),
                "the device supports postcopy, so rule pending06 (no postcopy bytes without support) does not apply");
        DeviceFixture probe = v.newSource();
        if (probe.device().supportsPostcopy()) {
            throw new AssertionError("the verification's supportsPostcopy() says false, but the device's "
                    + "supportsPostcopy() says true");
        }
        for (SaveOptions options : new SaveOptions[]{SaveOptions.PRECOPY, new SaveOptions(true)}) {
            DeviceFixture src = v.newSource();
            KitMigration m = new KitMigration(src);
            String with = " with " + options;
            noPostcopy(m, "before saveSetup" + with);
            m.run(() -> {
                m.setup(options);
                Pending exact = noPostcopy(m, "after saveSetup" + with);
                if (m.mayIterate(exact)) {
                    m.iterate(smallBudget(exact));
                    noPostcopy(m, "after one iteration" + with);
                }
                v.dirtyWithin(src);
                noPostcopy(m, "after dirty()" + with);
            });
        }
    }

    /** Queries ESTIMATE then EXACT; fails if either has postcopy bytes; returns the EXACT. */
    private static Pending noPostcopy(KitMigration m, String when) {
        Pending exact = null;
        for (QueryMode mode : new QueryMode[]{QueryMode.ESTIMATE, QueryMode.EXACT}) {
            Pending p = m.query(mode, when);
            if (p.postcopy() != 0) {
                throw new AssertionError(mode + " " + when + " reported " + p + ": " + p.postcopy()
                        + " postcopy bytes from a device whose supportsPostcopy() is false");
            }
            exact = p;
        }
        return exact;
    }

    /** ESTIMATE, then EXACT, then ESTIMATE again: each must answer. */
    private static void probe(KitMigration m, String when) {
        m.query(QueryMode.ESTIMATE, when);
        m.query(QueryMode.EXACT, when);
        m.query(QueryMode.ESTIMATE, when + ", right after an EXACT");
    }

    /** A quarter of the iterable bytes (at least 1): several iterations instead of one. */
    static long smallBudget(Pending exact) {
        return Math.max(1, exact.iterable() / 4);
    }
}
