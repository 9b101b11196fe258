package dev.switchover.migration.tck;

import dev.switchover.migration.spi.MigrationDevice;

import java.nio.charset.StandardCharsets;

/** The checks of migrated state: {@link Rule#STATE01} and {@link Rule#STATE02}. */
final class StateChecks {

    /** Rounds after which the round trip dirties the source again. */
    private static final int DIRTY_ROUNDS = 2;

    private StateChecks() {
    }

    /**
     * {@link Rule#STATE01}: dirties the source before setup, after each of the first {@link
     * #DIRTY_ROUNDS} iterations and right before the stop, migrates, and requires the
     * destination to equal the source. {@link KitMigration#loadInto} also requires every section
     * to be read exactly to its end.
     */
    static void roundTrip(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        DeviceFixture dst = v.newDestination();
        MigrationDevice s = src.device();
        v.dirtyWithin(src);
        KitMigration m = KitMigration.migrate(src, dst, KitMigration.DEFAULT_BUDGET, round -> {
            if (round > DIRTY_ROUNDS) {
                return false;
            }
            v.dirtyWithin(src);
            return true;
        }, () -> v.dirtyWithin(src));
        boolean equal;
        try {
            equal = src.call("the stateEquals(source, destination) hook", null, () -> v.stateEquals(s, dst.device()));
        } catch (java.io.IOException e) {
            throw new AssertionError("the stateEquals hook threw " + e, e);
        }
        if (!equal) {
            throw new AssertionError("after migrating " + m.sections() + " the destination's state differs from the "
                    + "source's (stateDigest " + HookChecks.hex(src.digest("of the source")) + " on the source, "
                    + HookChecks.hex(dst.digest("of the destination")) + " on the destination); the source was dirtied "
                    + "before setup, after iterations 1.." + DIRTY_ROUNDS + " and right before the stop");
        }
    }

    /**
     * {@link Rule#STATE02}: {@code 0 <= minimumSectionVersion() <= sectionVersion()}; a section
     * name of 1 to 255 bytes (QEMU's {@code idstr} has a one-byte length); source and destination
     * agree on name and versions; and a migration loads at {@code sectionVersion()}. Refusing a
     * version outside the range is the core's job, so the kit does not send one.
     */
    static void sectionVersion(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        DeviceFixture dst = v.newDestination();
        MigrationDevice s = src.device();
        MigrationDevice d = dst.device();
        int current = s.sectionVersion();
        int minimum = s.minimumSectionVersion();
        if (minimum < 0 || minimum > current) {
            throw new AssertionError("minimumSectionVersion() is " + minimum + " and sectionVersion() is " + current
                    + "; the device must read its own current version: 0 <= minimum <= current");
        }
        String name = s.sectionName();
        int length = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || length > 255) {
            throw new AssertionError("sectionName() is " + (name == null ? "null" : "'" + name + "'")
                    + " (" + length + " UTF-8 bytes); it must be 1 to 255 bytes");
        }
        if (!name.equals(d.sectionName()) || current != d.sectionVersion() || minimum != d.minimumSectionVersion()) {
            throw new AssertionError("the source device says section '" + name + "' versions " + minimum + ".."
                    + current + ", the destination device '" + d.sectionName() + "' versions "
                    + d.minimumSectionVersion() + ".." + d.sectionVersion() + "; both sides must agree");
        }
        KitMigration.migrate(src, dst, KitMigration.DEFAULT_BUDGET, round -> false, () -> {
        });
    }
}
