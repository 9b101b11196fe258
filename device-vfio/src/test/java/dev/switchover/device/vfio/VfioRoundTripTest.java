package dev.switchover.device.vfio;

import dev.switchover.device.vfio.driver.VfioState;
import dev.switchover.device.vfio.emulated.EmulatedDriverConfig;
import dev.switchover.device.vfio.stream.VfioMarker;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.SectionKind;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.switchover.device.vfio.TestDevice.PRECOPY;
import static dev.switchover.device.vfio.TestDevice.STATE;
import static org.assertj.core.api.Assertions.assertThat;

class VfioRoundTripTest {

    @Test
    void theDestinationHoldsExactlyTheSourceStateAtSwitchoverDespiteDirtying() throws Exception {
        TestDevice src = TestDevice.source(1);
        TestDevice dst = TestDevice.destination(2);
        assertThat(dst.device.stateDigest()).isNotEqualTo(src.device.stateDigest());
        AtomicInteger round = new AtomicInteger();
        List<TestDevice.Section> sections = Migrations.migrate(src, 64 << 10, 50, () -> {
            switch (round.getAndIncrement()) {
                case 1 -> {
                    src.dirty(0, 100);
                    src.dirty(PRECOPY - 10, 20);
                    src.dirty(STATE - 5, 5);
                }
                case 4 -> src.dirty(70_000, 3);
                default -> { }
            }
        });
        byte[] atSwitchover = src.device.stateDigest();
        assertThat(src.device.queryPending(QueryMode.EXACT).pending()).isEqualTo(Pending.NONE);

        Migrations.load(dst, sections);
        dst.device.loadCleanup();
        assertThat(dst.device.vfioState()).isEqualTo(VfioState.STOP);
        assertThat(dst.device.stateDigest()).isEqualTo(atSwitchover);

        long parts = sections.stream().filter(s -> s.kind() == SectionKind.PART).count();
        long initDataSent = sections.stream().filter(s -> s.kind() == SectionKind.PART)
                .filter(s -> ByteBuffer.wrap(s.payload()).getLong(s.payload().length - 8)
                        == VfioMarker.DEV_INIT_DATA_SENT.wire()).count();
        assertThat(parts).isGreaterThan(4);
        assertThat(initDataSent).as("DEV_INIT_DATA_SENT ends exactly one iterate section").isEqualTo(1);

        dst.runState(RunState.RUNNING);
        assertThat(dst.emulated.state()).isEqualTo(VfioState.RUNNING);
        src.runState.set(RunState.POSTMIGRATE);
        src.device.saveCleanup();
        assertThat(src.emulated.state()).isEqualTo(VfioState.STOP);
    }

    @Test
    void aRoundTripWithTheWorkloadThreadDirtyingWhileIterating() throws Exception {
        TestDevice src = new TestDevice("vfio-busy", EmulatedDriverConfig.of(STATE, PRECOPY, 5), RunState.PAUSED,
                128L << 20);
        src.runState(RunState.RUNNING);
        List<TestDevice.Section> sections = new java.util.ArrayList<>();
        sections.add(Migrations.setup(src));
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (int i = 0; i < 20 || (src.emulated.bytesDirtied() == 0 && System.nanoTime() < deadline); i++) {
            Migrations.iterate(src, 32 << 10, sections);
        }
        src.runState(RunState.FINISH_MIGRATE);
        assertThat(src.workload.isRunning()).isFalse();
        byte[] atSwitchover = src.device.stateDigest();
        sections.add(Migrations.complete(src));
        assertThat(src.emulated.bytesDirtied()).isPositive();

        TestDevice dst = TestDevice.destination(6);
        Migrations.load(dst, sections);
        assertThat(dst.device.stateDigest()).isEqualTo(atSwitchover);
    }

    @Test
    void aStopAndCopyOnlyMigrationAlsoRoundTrips() throws Exception {
        TestDevice src = TestDevice.source(3);
        src.runState(RunState.PAUSED);
        List<TestDevice.Section> sections = Migrations.migrate(src, 1 << 20, 1, () -> { });
        TestDevice dst = TestDevice.destination(4);
        Migrations.load(dst, sections);
        assertThat(dst.device.stateDigest()).isEqualTo(src.device.stateDigest());
    }
}
