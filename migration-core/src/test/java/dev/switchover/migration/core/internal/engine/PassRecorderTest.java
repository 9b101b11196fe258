package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.PassRecord;
import dev.switchover.migration.spi.DeviceStats;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-pass series behind the migration report, driven with a fake clock. */
class PassRecorderTest {

    /** 1 MB/s declared × 300 ms = a 300,000-byte threshold. */
    private static final MigrationParameters ONE_MB_PER_S =
            MigrationParameters.DEFAULTS.withAvailSwitchoverBandwidth(1_000_000);

    @Test
    void recordsEachExactPassWithTheFiguresOfThatMoment() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(new Pending(4_000_000, 1_000_000, 0));
        LoopFixture f = new LoopFixture().device("d0", d).parameters(ONE_MB_PER_S).start();
        f.now.addAndGet(250_000_000L);
        f.bytes.set(123_456);

        f.loop.exactPass();
        f.stopped = true;
        f.parameters = ONE_MB_PER_S.withDowntimeLimitMs(1000);
        f.now.addAndGet(1_000_000_000L);
        f.loop.exactPass();

        PassRecorder.Snapshot s = f.recorder.snapshot();
        assertThat(s.dropped()).isZero();
        assertThat(s.passes()).hasSize(2);
        PassRecord first = s.passes().getFirst();
        assertThat(first.pass()).isEqualTo(1);
        assertThat(first.timeMs()).isEqualTo(250);
        assertThat(first.remaining()).isEqualTo(5_000_000);
        assertThat(first.iterable()).isEqualTo(4_000_000);
        assertThat(first.stopcopy()).isEqualTo(1_000_000);
        assertThat(first.transferred()).isEqualTo(123_456);
        assertThat(first.switchoverBandwidth()).isEqualTo(1_000_000);
        assertThat(first.threshold()).isEqualTo(300_000);
        assertThat(first.downtimeLimitMs()).isEqualTo(300);
        assertThat(first.expectedDowntimeMs()).isEqualTo(OptionalLong.of(5000));
        assertThat(first.dirtyRate()).isEmpty();
        assertThat(first.machineStopped()).isFalse();
        PassRecord second = s.passes().get(1);
        assertThat(second.pass()).isEqualTo(2);
        assertThat(second.timeMs()).isEqualTo(1250);
        assertThat(second.threshold()).isEqualTo(1_000_000);
        assertThat(second.downtimeLimitMs()).isEqualTo(1000);
        assertThat(second.machineStopped()).isTrue();
    }

    @Test
    void expectedDowntimeIsAbsentWhileNoBandwidthIsKnown() throws Exception {
        LoopFixture f = new LoopFixture().device("d0", new ScriptedDevice().answerBoth(Pending.precopy(4096))).start();

        f.loop.exactPass();

        PassRecord p = f.recorder.snapshot().passes().getFirst();
        assertThat(p.switchoverBandwidth()).isZero();
        assertThat(p.threshold()).isZero();
        assertThat(p.expectedDowntimeMs()).isEmpty();
    }

    @Test
    void theDirtyRateIsRamPagesPerSecondTimesThePageSize() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(Pending.precopy(4096));
        d.stats = DeviceStats.of("ram").counter("dirty-pages-rate", 250).constant("page-size", 4096).build();
        LoopFixture f = new LoopFixture().device("ram0", d).start();

        f.loop.exactPass();

        assertThat(f.recorder.snapshot().passes().getFirst().dirtyRate()).isEqualTo(OptionalLong.of(250 * 4096));
    }

    @Test
    void onlyRoundsThatAskForExactFiguresArePasses() throws Exception {
        ScriptedDevice d = new ScriptedDevice().answerBoth(Pending.precopy(300_001));
        LoopFixture f = new LoopFixture().device("d0", d).parameters(ONE_MB_PER_S).start();

        f.next();
        assertThat(f.recorder.snapshot().passes()).isEmpty();

        d.answerBoth(Pending.precopy(300_000));
        f.next();
        assertThat(d.queries(QueryMode.EXACT)).isEqualTo(1);
        assertThat(f.recorder.snapshot().passes()).extracting(PassRecord::remaining).containsExactly(300_000L);
    }

    @Test
    void keepsTheLatestPassesAndCountsThoseItDropped() throws Exception {
        LoopFixture f = new LoopFixture().device("d0", new ScriptedDevice().answerBoth(Pending.precopy(1)));
        f.recorderCapacity = 3;
        f.start();

        for (int i = 0; i < 5; i++) {
            f.loop.exactPass();
        }

        PassRecorder.Snapshot s = f.recorder.snapshot();
        assertThat(s.passes()).extracting(PassRecord::pass).containsExactly(3L, 4L, 5L);
        assertThat(s.dropped()).isEqualTo(2);
    }

    @Test
    void refusesACapacityBelowOne() {
        LoopFixture f = new LoopFixture().device("d0", new ScriptedDevice()).start();
        assertThatThrownBy(() -> new PassRecorder(f.stats, () -> false, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one pass");
    }
}
