package dev.switchover.migration.tck;

import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceException;
import dev.switchover.migration.spi.DeviceFailureException;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The kit's migration driver against a scripted device that records every call. */
class KitMigrationTest {

    /** Sends {@code parts} one-byte records, one per iteration; can be told to never finish. */
    static class CountingDevice implements MigrationDevice {
        final List<String> calls = new ArrayList<>();
        int parts;
        boolean stuck;
        int unreadTail;

        @Override
        public String sectionName() {
            return "counting";
        }

        @Override
        public int sectionVersion() {
            return 4;
        }

        @Override
        public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
            calls.add("setup");
            out.writeByte(0);
        }

        @Override
        public PendingAnswer queryPending(QueryMode mode) throws DeviceException {
            return PendingAnswer.of(Pending.precopy(stuck ? 1 : parts));
        }

        @Override
        public IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException {
            calls.add("iterate");
            if (!stuck) {
                parts--;
                out.writeByte(1);
            }
            return parts > 0 || stuck ? IterationResult.MORE : IterationResult.DONE;
        }

        @Override
        public void saveComplete(SectionWriter out) throws IOException {
            calls.add("complete");
            out.writeByte(2);
            for (int i = 0; i < unreadTail; i++) {
                out.writeByte(9);
            }
        }

        @Override
        public void saveCleanup() {
            calls.add("cleanup");
        }

        @Override
        public void loadSection(SectionReader in, SectionKind kind, int version) throws IOException {
            calls.add("load " + kind + " v" + version + " " + in.readUnsignedByte());
        }

        @Override
        public void onRunStateChange(RunState from, RunState to) {
            calls.add(from.qmpName() + "->" + to.qmpName());
        }

        @Override
        public byte[] stateDigest() {
            return new byte[0];
        }
    }

    private static DeviceFixture fixture(CountingDevice d, RunState initial) {
        return DeviceFixture.create("c0", Map.of(), initial, ctx -> d);
    }

    @Test
    void runsTheCoresSequenceAndLoadsSectionBySection() {
        CountingDevice src = new CountingDevice();
        src.parts = 3;
        CountingDevice dst = new CountingDevice();
        DeviceFixture s = fixture(src, RunState.PAUSED);
        DeviceFixture d = fixture(dst, RunState.INMIGRATE);

        KitMigration m = KitMigration.migrate(s, d, 1, round -> false, () -> src.calls.add("before stop"));

        assertThat(src.calls).containsExactly("setup", "iterate", "iterate", "iterate", "before stop",
                "paused->finish-migrate", "complete", "cleanup", "finish-migrate->postmigrate");
        assertThat(m.sections()).extracting(KitMigration.Section::kind)
                .containsExactly(SectionKind.START, SectionKind.PART, SectionKind.PART, SectionKind.PART,
                        SectionKind.END);
        assertThat(m.payloadBytes()).isEqualTo(5);
        assertThat(dst.calls).containsExactly("load START v4 0", "load PART v4 1", "load PART v4 1",
                "load PART v4 1", "load END v4 2", "inmigrate->paused");
        assertThat(s.runState()).isEqualTo(RunState.POSTMIGRATE);
        assertThat(d.runState()).isEqualTo(RunState.PAUSED);
    }

    @Test
    void keepsIteratingAfterDoneWhenTheTestDirtiedTheDevice() {
        CountingDevice src = new CountingDevice();
        src.parts = 1;
        KitMigration m = new KitMigration(fixture(src, RunState.PAUSED));
        m.setup(SaveOptions.PRECOPY);
        m.iterateUntilDone(KitMigration.DEFAULT_BUDGET, round -> {
            if (round == 1) {
                src.parts = 2;
                return true;
            }
            return false;
        });
        assertThat(m.rounds()).isEqualTo(3);
    }

    @Test
    void givesUpOnADeviceWhoseIterableBytesNeverGoDown() {
        CountingDevice src = new CountingDevice();
        src.stuck = true;
        KitMigration m = new KitMigration(fixture(src, RunState.PAUSED));
        m.setup(SaveOptions.PRECOPY);
        assertThatThrownBy(() -> m.iterateUntilDone(KitMigration.DEFAULT_BUDGET, round -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(KitMigration.MAX_STALE_ROUNDS + " rounds in a row");
        assertThat(m.rounds()).isEqualTo(KitMigration.MAX_STALE_ROUNDS);
    }

    @Test
    void refusesALoadThatLeavesBytesUnread() {
        CountingDevice src = new CountingDevice();
        src.unreadTail = 3;
        DeviceFixture d = fixture(new CountingDevice(), RunState.INMIGRATE);
        assertThatThrownBy(() -> KitMigration.migrate(fixture(src, RunState.PAUSED), d, 1, r -> false, () -> {
        }))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("left 3 unread");
    }

    @Test
    void cleansUpAfterAFailedStepAndKeepsTheFirstFailure() {
        CountingDevice src = new CountingDevice() {
            @Override
            public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
                throw new IOException("disk full");
            }
        };
        KitMigration m = new KitMigration(fixture(src, RunState.PAUSED));
        assertThatThrownBy(() -> m.run(() -> m.setup(SaveOptions.PRECOPY)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("saveSetup")
                .hasMessageContaining("disk full");
        assertThat(src.calls).containsExactly("cleanup");
    }

    @Test
    void reportsANullPendingFigure() {
        CountingDevice src = new CountingDevice() {
            @Override
            public PendingAnswer queryPending(QueryMode mode) {
                return null;
            }
        };
        KitMigration m = new KitMigration(fixture(src, RunState.PAUSED));
        assertThatThrownBy(() -> m.query(QueryMode.EXACT, "before saveSetup"))
                .isInstanceOf(AssertionError.class)
                .hasMessage("queryPending(EXACT) before saveSetup returned null");
    }

    @Test
    void keepsTheDevicesNoteWithItsFigures() {
        CountingDevice src = new CountingDevice() {
            @Override
            public PendingAnswer queryPending(QueryMode mode) {
                return PendingAnswer.anomalous(Pending.stopcopy(7), mode + " guessed");
            }
        };
        KitMigration m = new KitMigration(fixture(src, RunState.PAUSED));
        assertThat(m.answer(QueryMode.EXACT, "before saveSetup").anomaly()).contains("EXACT guessed");
        assertThat(m.query(QueryMode.ESTIMATE, "before saveSetup")).isEqualTo(Pending.stopcopy(7));
    }

    @Test
    void reportsADeviceExceptionFromAQueryAsTheCallThatFailed() {
        CountingDevice src = new CountingDevice() {
            @Override
            public PendingAnswer queryPending(QueryMode mode) throws DeviceException {
                throw new DeviceFailureException("counting: the counter is gone");
            }
        };
        KitMigration m = new KitMigration(fixture(src, RunState.PAUSED));
        assertThatThrownBy(() -> m.query(QueryMode.EXACT, "after saveSetup"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("queryPending(EXACT) after saveSetup threw ")
                .hasMessageContaining("counting: the counter is gone");
    }

    @Test
    void theLastPayloadIsTheLastSectionWritten() {
        CountingDevice src = new CountingDevice();
        src.parts = 1;
        KitMigration m = new KitMigration(fixture(src, RunState.PAUSED));
        m.setup(SaveOptions.PRECOPY);
        assertThat(m.lastPayload()).containsExactly(0);
        m.iterate(1);
        assertThat(m.lastPayload()).containsExactly(1);
    }
}
