package dev.switchover.device.s390stattrib;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.IterationResult;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StattribPendingTest {

    /** 64 MiB of guest: 16384 pages, one attribute byte each. */
    private static final Map<String, String> GUEST = Map.of("guest-size", "64M");
    private static final long PAGES = 16384;

    private static void assertBoth(StorageAttributesDevice d, Pending expected) {
        assertThat(d.queryPending(QueryMode.ESTIMATE)).isEqualTo(expected);
        assertThat(d.queryPending(QueryMode.EXACT)).isEqualTo(expected);
    }

    @Test
    void beforeSetupEveryAttributeByteIsPendingInThePrecopyBucket() {
        TestMachine m = new TestMachine("cmma0", GUEST);
        assertBoth(m.device, Pending.precopy(PAGES));
        assertThat(m.device.supportsPostcopy()).isFalse();
    }

    @Test
    void pendingThroughEveryPhase() throws Exception {
        TestMachine m = new TestMachine("cmma0", GUEST);
        m.setup();
        assertBoth(m.device, Pending.precopy(PAGES));

        // one record of at most budget - 16 bytes: 1000 attribute bytes
        assertThat(m.iterate(1016)).isEqualTo(IterationResult.MORE);
        assertBoth(m.device, Pending.precopy(PAGES - 1000));

        assertThat(m.iterate(Long.MAX_VALUE)).isEqualTo(IterationResult.DONE);
        assertBoth(m.device, Pending.NONE);

        m.runState(RunState.FINISH_MIGRATE);
        m.complete();
        assertBoth(m.device, Pending.NONE);

        m.device.saveCleanup();
        assertBoth(m.device, Pending.precopy(PAGES));
        m.device.saveCleanup();
        assertBoth(m.device, Pending.precopy(PAGES));
    }

    @Test
    void exactFoldsTheDirtyLogEstimateReadsTheCount() throws Exception {
        TestMachine m = new TestMachine("cmma0", GUEST);
        m.setup();
        m.iterate(Long.MAX_VALUE);
        assertBoth(m.device, Pending.NONE);

        AttributeStore s = m.device.store();
        s.write(10, (byte) 1);
        s.write(10, (byte) 2);   // same page twice: one byte to send
        s.write(9000, (byte) 3);
        assertThat(m.device.queryPending(QueryMode.ESTIMATE)).isEqualTo(Pending.NONE);
        assertThat(m.device.queryPending(QueryMode.EXACT)).isEqualTo(Pending.precopy(2));
        assertThat(m.device.queryPending(QueryMode.ESTIMATE)).isEqualTo(Pending.precopy(2));
    }

    @Test
    void writesToPagesNotYetSentDoNotCountTwice() throws Exception {
        TestMachine m = new TestMachine("cmma0", GUEST);
        m.setup();
        m.device.store().write(5, (byte) 1);
        assertBoth(m.device, Pending.precopy(PAGES));
    }

    @Test
    void estimateEqualsExactOnAQuiescentDevice() throws Exception {
        TestMachine m = new TestMachine("cmma0", GUEST);
        m.setup();
        IterationResult r;
        do {
            r = m.iterate(3000);
            assertThat(m.device.queryPending(QueryMode.ESTIMATE)).isEqualTo(m.device.queryPending(QueryMode.EXACT));
        } while (r == IterationResult.MORE);
    }

    @Test
    void conservationPayloadEqualsPendingWithinFraming() throws Exception {
        TestMachine m = new TestMachine("cmma0", Map.of("guest-size", "4G")); // 1 Mi pages, two 512 KiB records
        long pending = m.device.queryPending(QueryMode.EXACT).total();
        m.setup();
        m.runState(RunState.FINISH_MIGRATE);
        m.complete();
        long written = m.sections.stream().mapToLong(s -> s.payload().length).sum();
        assertThat(written).isEqualTo(pending + 8 + 2 * 16 + 8 + 8);
    }

    @Test
    void saveCallsWithoutSetupFailClearly() {
        TestMachine m = new TestMachine("cmma0", GUEST);
        assertThatThrownBy(() -> m.iterate(100)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("device 'cmma0'").hasMessageContaining("saveIterate");
    }
}
