package dev.switchover.migration.tck;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.MigrationDevice;

import java.io.IOException;

/** The lifecycle check: {@link Rule#LIFE01}. */
final class LifecycleChecks {

    private LifecycleChecks() {
    }

    /**
     * {@link Rule#LIFE01}: {@code saveCleanup} twice on a device that never saw {@code saveSetup}
     * (the core cleans up every device when another device's setup failed), {@code loadCleanup}
     * twice without {@code loadSetup}; the device still answers queries; a whole migration works
     * afterwards; and {@code saveCleanup} once more after that migration's own cleanup.
     */
    static void cleanupWithoutSetup(MigrationDeviceVerification v) {
        DeviceFixture src = v.newSource();
        MigrationDevice s = src.device();
        cleanup(src, s::saveCleanup, "saveCleanup without saveSetup");
        cleanup(src, s::saveCleanup, "a second saveCleanup without saveSetup");
        KitMigration probe = new KitMigration(src);
        probe.query(QueryMode.ESTIMATE, "after saveCleanup without saveSetup");
        probe.query(QueryMode.EXACT, "after saveCleanup without saveSetup");

        DeviceFixture dst = v.newDestination();
        MigrationDevice d = dst.device();
        cleanup(dst, d::loadCleanup, "loadCleanup without loadSetup");
        cleanup(dst, d::loadCleanup, "a second loadCleanup without loadSetup");

        KitMigration.migrate(src, dst, KitMigration.DEFAULT_BUDGET, round -> false, () -> {
        });
        cleanup(src, s::saveCleanup, "saveCleanup after a finished migration's own saveCleanup");
        cleanup(dst, d::loadCleanup, "loadCleanup after a finished migration's own loadCleanup");
    }

    private static void cleanup(DeviceFixture f, Runnable call, String what) {
        try {
            f.call(what, Rule.LIFE01, () -> {
                call.run();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            throw new AssertionError(what + " threw " + e + "; cleanup must be idempotent and must not need setup", e);
        }
    }
}
