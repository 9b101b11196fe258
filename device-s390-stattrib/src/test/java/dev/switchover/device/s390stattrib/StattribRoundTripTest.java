package dev.switchover.device.s390stattrib;

import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StattribRoundTripTest {

    private static void assertSameAttributes(StorageAttributesDevice source, StorageAttributesDevice destination) {
        assertThat(destination.stateDigest()).isEqualTo(source.stateDigest());
        AttributeStore s = source.store();
        AttributeStore d = destination.store();
        for (long gfn = 0; gfn < s.pages(); gfn++) {
            if (s.get(gfn) != d.get(gfn)) {
                throw new AssertionError("page " + gfn + ": source " + s.get(gfn) + ", destination " + d.get(gfn));
            }
        }
    }

    @Test
    void destinationEqualsSourceByteForByteWithWorkloadDirtBetweenIterations() throws Exception {
        Map<String, String> spec = Map.of("guest-size", "256M", "change-rate", "2M", "seed", "11");
        TestMachine src = new TestMachine("cmma0", spec);
        TestMachine dst = new TestMachine("cmma0", spec);

        src.runState(RunState.RUNNING);
        src.setup();
        for (int round = 0; round < 6; round++) {
            long before = src.device.store().writes();
            TestMachine.awaitAtLeast(() -> src.device.store().writes(), before + 500);
            src.device.queryPending(QueryMode.EXACT);
            src.iterate(20_000);
        }
        src.runState(RunState.FINISH_MIGRATE);
        assertThat(src.device.workloadRunning()).isFalse();
        src.complete();

        src.replayInto(dst.device);
        assertSameAttributes(src.device, dst.device);
        assertThat(src.device.store().writes()).isGreaterThanOrEqualTo(3000);
    }

    @Test
    void pagesChangedAfterTheyWereSentAreSentAgain() throws Exception {
        Map<String, String> spec = Map.of("guest-size", "8M");
        TestMachine src = new TestMachine("c", spec);
        TestMachine dst = new TestMachine("c", spec);
        src.device.store().write(7, (byte) 1);
        src.setup();
        src.iterate(Long.MAX_VALUE);            // everything sent once
        src.device.store().write(7, (byte) 2);  // changed afterwards
        src.device.store().write(2047, (byte) 0x43);
        src.runState(RunState.FINISH_MIGRATE);
        src.complete();
        src.replayInto(dst.device);
        assertSameAttributes(src.device, dst.device);
        assertThat(dst.device.store().get(7)).isEqualTo((byte) 2);
    }

    @Test
    void sourceCanMigrateAgainAfterAFailedAttempt() throws Exception {
        Map<String, String> spec = Map.of("guest-size", "1M");
        TestMachine src = new TestMachine("c", spec);
        src.device.store().write(3, (byte) 3);
        src.setup();
        src.iterate(Long.MAX_VALUE);
        src.device.saveCleanup();
        src.sections.clear();
        src.setup();
        src.runState(RunState.FINISH_MIGRATE);
        src.complete();
        TestMachine dst = new TestMachine("c", spec);
        src.replayInto(dst.device);
        assertSameAttributes(src.device, dst.device);
    }
}
