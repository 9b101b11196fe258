package dev.switchover.migration.core;

import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.switchover.migration.core.LocalMachines.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device whose state moves only under a capability ({@code migratesOnlyWith}), as QEMU's block
 * dirty bitmaps under {@code dirty-bitmaps}: the source leaves it out while the capability is off,
 * and the destination, like QEMU's, neither misses its sections then nor refuses them when they
 * come, whatever its own capabilities. The core names no device type: the device says it.
 */
class CapabilityGatedDeviceTest {

    private static final String ALWAYS = "blob,id=blob0,size=256K,seed=";
    private static final String GATED = "blob,id=bm0,size=256K,only-with=dirty-bitmaps,seed=";

    @RegisterExtension
    final LocalMachines local = new LocalMachines();

    private Machine[] pair() throws Exception {
        Machine dst = local.machine(Machine.builder().device(ALWAYS + 1).device(GATED + 2).incoming());
        Machine src = local.machine(Machine.builder().device(ALWAYS + 3).device(GATED + 4));
        src.setParameters(MigrationParameters.DEFAULTS.withMaxBandwidth(0));
        dst.migrateIncoming("tcp:127.0.0.1:0");
        return new Machine[]{src, dst};
    }

    private static MigrationInfo migrate(Machine src, Machine dst) throws Exception {
        src.migrate(dst.incomingUri());
        MigrationInfo info = awaitEnd(src);
        assertThat(awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
        return info;
    }

    @Test
    void withTheCapabilityOffTheDeviceSitsOutAndTheDestinationKeepsItsOwnState() throws Exception {
        Machine[] m = pair();
        Machine src = m[0];
        Machine dst = m[1];
        String dstOwn = dst.stateDigests().get("bm0");

        MigrationInfo info = migrate(src, dst);

        assertThat(info.status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.stateDigests().get("blob0")).isEqualTo(src.stateDigests().get("blob0"));
        assertThat(dst.stateDigests().get("bm0")).as("not migrated").isEqualTo(dstOwn)
                .isNotEqualTo(src.stateDigests().get("bm0"));
        assertThat(src.lastMigrationReport().orElseThrow().downtimeBreakdown().orElseThrow().devices())
                .extracting(d -> d.id()).containsExactly("blob0");
    }

    @Test
    void withTheCapabilityOnTheDeviceMigratesWhateverTheDestinationsCapabilities() throws Exception {
        Machine[] m = pair();
        Machine src = m[0];
        Machine dst = m[1];
        src.setCapability(MigrationCapability.DIRTY_BITMAPS, true);

        migrate(src, dst);

        assertThat(dst.capabilities()).doesNotContain(MigrationCapability.DIRTY_BITMAPS);
        assertThat(dst.stateDigests()).isEqualTo(src.stateDigests());
    }
}
