package com.example.switchover.nic;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.tck.DeviceFixture;
import dev.switchover.migration.tck.KitMigration;
import org.junit.jupiter.api.Test;

import static com.example.switchover.nic.Nics.SLOT_RECORD;
import static org.assertj.core.api.Assertions.assertThat;

/** The figures {@code example-nic} reports at each point of a migration, to the byte. */
class NicPendingTest {

    private static final long REGISTERS = 1 + 4 + 3 * 8;

    private final DeviceFixture source = Nics.source(Nics.SMALL);
    private final NicDevice nic = Nics.nic(source);

    @Test
    void beforeAMigrationEveryBufferIsPrecopyAndTheRegistersAreStopcopy() {
        Pending expected = Pending.precopy(8 * SLOT_RECORD).plus(Pending.stopcopy(REGISTERS));

        assertThat(nic.queryPending(QueryMode.EXACT).pending()).isEqualTo(expected);
        assertThat(nic.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(expected);
    }

    @Test
    void estimateIsTheLastExactMinusWhatWasSentAndSeesNewWritesOnlyAfterTheNextExact() {
        KitMigration m = new KitMigration(source);
        m.setup(SaveOptions.PRECOPY);
        m.iterate(3 * SLOT_RECORD);

        assertThat(nic.queryPending(QueryMode.ESTIMATE).pending())
                .isEqualTo(Pending.precopy(5 * SLOT_RECORD).plus(Pending.stopcopy(REGISTERS)));

        nic.receive(Nics.frame(60, 1)); // into slot 0, which already went
        assertThat(nic.queryPending(QueryMode.ESTIMATE).pending().precopy()).as("cached").isEqualTo(5 * SLOT_RECORD);
        assertThat(nic.queryPending(QueryMode.EXACT).pending().precopy()).as("after the log drain").isEqualTo(6 * SLOT_RECORD);
        assertThat(nic.queryPending(QueryMode.ESTIMATE).pending().precopy()).isEqualTo(6 * SLOT_RECORD);
        m.cleanup();
    }

    @Test
    void theRegistersStayInTheStopcopyBucketUntilSaveComplete() {
        KitMigration m = new KitMigration(source);
        m.setup(SaveOptions.PRECOPY);
        m.iterateUntilDone(1 << 20, round -> false);

        assertThat(nic.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.stopcopy(REGISTERS));

        m.complete();
        assertThat(nic.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.NONE);
        assertThat(nic.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(Pending.NONE);
        assertThat(m.sections().getLast().payload()).hasSize((int) REGISTERS + 1);
    }

    @Test
    void afterCleanupTheFiguresAreWhatANewMigrationWouldSend() {
        KitMigration m = new KitMigration(source);
        m.run(() -> {
            m.setup(SaveOptions.PRECOPY);
            m.iterate(SLOT_RECORD);
        });

        Pending everything = Pending.precopy(8 * SLOT_RECORD).plus(Pending.stopcopy(REGISTERS));
        assertThat(nic.queryPending(QueryMode.ESTIMATE).pending()).isEqualTo(everything);
        assertThat(nic.queryPending(QueryMode.EXACT).pending()).isEqualTo(everything);
    }

    @Test
    void iterationStopsWhenEveryBufferWentAndPostcopyNeverAppears() {
        KitMigration m = new KitMigration(source);
        m.setup(new SaveOptions(true));

        assertThat(m.iterate(4 * SLOT_RECORD)).isEqualTo(IterationResult.MORE);
        assertThat(m.iterate(4 * SLOT_RECORD)).isEqualTo(IterationResult.DONE);
        assertThat(nic.queryPending(QueryMode.EXACT).pending().postcopy()).isZero();
        m.cleanup();
    }

    @Test
    void aFrameTooLongForABufferIsDroppedAndCountedWithoutDirtyingABuffer() {
        KitMigration m = new KitMigration(source);
        m.setup(SaveOptions.PRECOPY);
        m.iterateUntilDone(1 << 20, round -> false);

        nic.receive(Nics.frame(127, 9));

        assertThat(nic.registers().rxDropped()).isEqualTo(1);
        assertThat(nic.registers().rxPackets()).isZero();
        assertThat(nic.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.stopcopy(REGISTERS));
        m.cleanup();
    }
}
