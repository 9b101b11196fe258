package dev.switchover.migration.core;

import dev.switchover.migration.api.MachineEvent;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.testfixtures.BlobDeviceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static dev.switchover.migration.core.FaultRelay.Action.BLACKHOLE;
import static dev.switchover.migration.core.LocalMachines.port;
import static dev.switchover.migration.core.FaultRelay.Action.CUT;
import static dev.switchover.migration.core.FaultRelay.Direction.RETURN_PATH;
import static dev.switchover.migration.core.FaultRelay.Direction.STREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The commit protocol's failure windows (docs/commit-protocol.md), two machines in one JVM over
 * loopback TCP through a {@link FaultRelay}. Each case checks that the two machines never run at
 * once (polled throughout), who runs afterwards, and that the reason names the real cause.
 * Timeouts are small (x-stall-timeout 500 ms) to keep the tests fast; no test asserts a duration.
 */
class CommitProtocolTest {

    private static final long STALL_MS = 500;
    private static final MigrationParameters FAST = MigrationParameters.DEFAULTS.withMaxBandwidth(0)
            .withStallTimeoutMs(STALL_MS);

    private final List<Machine> machines = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicBoolean bothRan = new AtomicBoolean();
    private volatile boolean watching = true;

    @AfterEach
    void tearDown() throws Exception {
        watching = false;
        for (AutoCloseable c : closeables) {
            c.close();
        }
        machines.forEach(Machine::close);
    }

    private Machine machine(Machine.Builder b) {
        Machine m = b.providers(List.of(new BlobDeviceProvider())).build();
        m.setParameters(FAST);
        machines.add(m);
        return m;
    }

    /** Polls both run states until the test ends; remembers whether both ever ran at once. */
    private void neverBothRunning(Machine src, Machine dst) {
        Thread.ofVirtual().start(() -> {
            while (watching) {
                if (src.runState() == RunState.RUNNING && dst.runState() == RunState.RUNNING) {
                    bothRan.set(true);
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        });
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    private static MigrationInfo awaitEnd(Machine m) throws InterruptedException {
        await("the migration ends", () -> m.queryMigrate().status().map(MigrationStatus::isTerminal).orElse(false));
        return m.queryMigrate();
    }

    private FaultRelay relay(FaultRelay r) {
        closeables.add(r);
        return r;
    }

    private record Pair(Machine src, Machine dst, String before) {
    }

    private Pair pair(String srcSpec, String dstSpec) {
        Machine src = machine(Machine.builder().device(srcSpec));
        Machine dst = machine(Machine.builder().device(dstSpec).incoming());
        dst.migrateIncoming("tcp:127.0.0.1:0");
        neverBothRunning(src, dst);
        return new Pair(src, dst, src.stateDigests().get("blob0"));
    }

    @Test
    void theDestinationRunsOnlyAfterCommitAndTheAckMarksTheDowntime() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=64K,seed=1", "blob,id=blob0,size=1M,stop-size=64K,seed=2");
        p.src().migrate(p.dst().incomingUri());
        MigrationInfo info = awaitEnd(p.src());
        assertThat(info.status()).contains(MigrationStatus.COMPLETED);
        assertThat(info.downtime()).isPresent();
        assertThat(awaitEnd(p.dst()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(p.src().runState()).isEqualTo(RunState.POSTMIGRATE);
        assertThat(p.dst().runState()).isEqualTo(RunState.RUNNING);
        assertThat(p.dst().stateDigests()).isEqualTo(p.src().stateDigests());
        assertThat(bothRan).isFalse();
    }

    @Test
    void noLoadedMeansTheSourceResumesAndTheDestinationNeverRuns() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=64K,seed=1", "blob,id=blob0,size=1M,stop-size=64K,seed=2");
        FaultRelay r = relay(FaultRelay.onPattern(port(p.dst()), RETURN_PATH, FaultRelay.LOADED, false, BLACKHOLE));
        p.src().migrate(r.uri());

        MigrationInfo src = awaitEnd(p.src());
        assertThat(src.status()).contains(MigrationStatus.FAILED);
        assertThat(src.errorDesc()).hasValueSatisfying(d -> assertThat(d).containsAnyOf("stalled", "x-switchover-timeout"));
        assertThat(p.src().runState()).isEqualTo(RunState.RUNNING);
        assertThat(p.src().stateDigests().get("blob0")).isEqualTo(p.before());
        MigrationInfo dst = awaitEnd(p.dst());
        assertThat(dst.status()).contains(MigrationStatus.FAILED);
        assertThat(dst.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("stalled", "COMMIT"));
        assertThat(p.dst().runState()).isEqualTo(RunState.INTERNAL_ERROR);
        assertThat(r.triggered()).isTrue();
        assertThat(bothRan).isFalse();

        // the discarded state never runs; a new incoming migration starts over
        assertThatThrownBy(p.dst()::cont).isInstanceOf(IllegalStateException.class).hasMessageContaining("discarded");
        p.dst().migrateIncoming("tcp:127.0.0.1:0");
        assertThat(p.dst().runState()).isEqualTo(RunState.INMIGRATE);
        p.src().migrate(p.dst().incomingUri());
        assertThat(awaitEnd(p.src()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(awaitEnd(p.dst()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(p.dst().stateDigests()).isEqualTo(p.src().stateDigests());
        assertThat(bothRan).isFalse();
    }

    @Test
    void aCutBeforeLoadedMakesTheSourceResume() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=64K,seed=1", "blob,id=blob0,size=1M,stop-size=64K,seed=2");
        FaultRelay r = relay(FaultRelay.onPattern(port(p.dst()), RETURN_PATH, FaultRelay.LOADED, false, CUT));
        p.src().migrate(r.uri());

        assertThat(awaitEnd(p.src()).status()).contains(MigrationStatus.FAILED);
        assertThat(p.src().runState()).isEqualTo(RunState.RUNNING);
        assertThat(awaitEnd(p.dst()).status()).contains(MigrationStatus.FAILED);
        assertThat(p.dst().runState()).isNotEqualTo(RunState.RUNNING);
        assertThat(bothRan).isFalse();
    }

    @Test
    void aLostCommitLeavesTheSourceInPostmigrateWithTheOutcomeUnknownAndNeitherRuns() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=64K,seed=1", "blob,id=blob0,size=1M,stop-size=64K,seed=2");
        FaultRelay r = relay(FaultRelay.onPattern(port(p.dst()), STREAM, FaultRelay.COMMIT, false, BLACKHOLE));
        List<String> events = new CopyOnWriteArrayList<>();
        p.src().setCapability(MigrationCapability.EVENTS, true);
        p.src().subscribe(e -> {
            if (e instanceof MachineEvent.Migration m) {
                events.add(m.status().qmpName());
            } else if (e instanceof MachineEvent.Resume) {
                events.add("RESUME");
            }
        });
        p.src().migrate(r.uri());

        MigrationInfo src = awaitEnd(p.src());
        await("the MIGRATION event for failed", () -> events.contains("failed"));
        assertThat(events).containsSubsequence("active", "failing", "failed").doesNotContain("RESUME", "device");
        assertThat(src.status()).contains(MigrationStatus.FAILED);
        assertThat(src.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("state is unknown", "cont"));
        assertThat(p.src().runState()).isEqualTo(RunState.POSTMIGRATE);
        MigrationInfo dst = awaitEnd(p.dst());
        assertThat(dst.status()).contains(MigrationStatus.FAILED);
        assertThat(dst.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("COMMIT"));
        assertThat(p.dst().runState()).isEqualTo(RunState.INTERNAL_ERROR);
        assertThat(bothRan).isFalse();

        p.src().cont(); // the operator knows the destination does not run
        assertThat(p.src().runState()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void aLostAcknowledgementLeavesTheDestinationRunningAndTheSourcePaused() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=64K,seed=1", "blob,id=blob0,size=1M,stop-size=64K,seed=2");
        FaultRelay r = relay(FaultRelay.onPattern(port(p.dst()), STREAM, FaultRelay.COMMIT, true, BLACKHOLE));
        p.src().migrate(r.uri());

        MigrationInfo src = awaitEnd(p.src());
        assertThat(src.status()).contains(MigrationStatus.FAILED);
        assertThat(src.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("state is unknown"));
        assertThat(p.src().runState()).isEqualTo(RunState.POSTMIGRATE);
        assertThat(awaitEnd(p.dst()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(p.dst().runState()).isEqualTo(RunState.RUNNING);
        assertThat(p.dst().stateDigests()).isEqualTo(p.src().stateDigests());
        assertThat(bothRan).isFalse();
    }

    @Test
    void aCutRightAfterCommitNeverLeavesTwoRunning() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=64K,seed=1", "blob,id=blob0,size=1M,stop-size=64K,seed=2");
        FaultRelay r = relay(FaultRelay.onPattern(port(p.dst()), STREAM, FaultRelay.COMMIT, true, CUT));
        p.src().migrate(r.uri());

        assertThat(awaitEnd(p.src()).status()).contains(MigrationStatus.FAILED);
        assertThat(p.src().runState()).isEqualTo(RunState.POSTMIGRATE);
        awaitEnd(p.dst());
        assertThat(bothRan).isFalse();
    }

    @Test
    void aStalledPrecopyFailsBothSidesAndTheSourceKeepsRunning() throws Exception {
        Pair p = pair("blob,id=blob0,size=32M,stop-size=8M,seed=1", "blob,id=blob0,size=32M,stop-size=8M,seed=2");
        p.src().setParameters(FAST.withMaxBandwidth(16L << 20));
        FaultRelay r = relay(FaultRelay.afterBytes(port(p.dst()), STREAM, 2L << 20, BLACKHOLE));
        p.src().migrate(r.uri());

        MigrationInfo src = awaitEnd(p.src());
        assertThat(src.status()).contains(MigrationStatus.FAILED);
        assertThat(src.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("stalled", "x-stall-timeout"));
        assertThat(p.src().runState()).isEqualTo(RunState.RUNNING);
        MigrationInfo dst = awaitEnd(p.dst());
        assertThat(dst.status()).contains(MigrationStatus.FAILED);
        assertThat(dst.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("stalled"));
        assertThat(bothRan).isFalse();
    }

    @Test
    void aSwitchoverPastItsTimeoutResumesTheSourceAndSaysHowMuchWasLeft() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=32M,seed=1", "blob,id=blob0,size=1M,stop-size=32M,seed=2");
        // the switchover is taken at once (a huge declared bandwidth); the stall bound is out of the way
        p.src().setParameters(FAST.withAvailSwitchoverBandwidth(1L << 40).withStallTimeoutMs(20_000)
                .withSwitchoverTimeoutMs(500));
        FaultRelay r = relay(FaultRelay.afterBytes(port(p.dst()), STREAM, 4L << 20, BLACKHOLE));
        p.src().migrate(r.uri());

        MigrationInfo src = awaitEnd(p.src());
        assertThat(src.status()).contains(MigrationStatus.FAILED);
        assertThat(src.errorDesc()).hasValueSatisfying(d -> assertThat(d)
                .contains("x-switchover-timeout (500 ms)", "bytes of the device state were still to send"));
        assertThat(p.src().runState()).isEqualTo(RunState.RUNNING);
        assertThat(p.src().stateDigests().get("blob0")).isEqualTo(p.before());
        assertThat(awaitEnd(p.dst()).status()).contains(MigrationStatus.FAILED);
        assertThat(p.dst().runState()).isNotEqualTo(RunState.RUNNING);
        assertThat(bothRan).isFalse();
    }

    @Test
    void theDestinationReportsTheSourcesReasonNotATruncatedDevice() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=64K,fail=saveComplete", "blob,id=blob0,size=1M,stop-size=64K");
        p.src().migrate(p.dst().incomingUri());

        MigrationInfo src = awaitEnd(p.src());
        assertThat(src.errorDesc()).hasValueSatisfying(d -> assertThat(d).contains("saveComplete"));
        assertThat(p.src().runState()).isEqualTo(RunState.RUNNING);
        MigrationInfo dst = awaitEnd(p.dst());
        assertThat(dst.status()).contains(MigrationStatus.FAILED);
        assertThat(dst.errorDesc()).hasValueSatisfying(d -> assertThat(d)
                .startsWith("source aborted: ").contains("injected failure in saveComplete"));
        assertThat(bothRan).isFalse();
    }

    @Test
    void aCancelledSourceTellsTheDestinationWhy() throws Exception {
        Pair p = pair("blob,id=blob0,size=1M,stop-size=8M,seed=1", "blob,id=blob0,size=1M,stop-size=8M,seed=2");
        // 1 MB/s declared: 8 MiB of stop-copy data never fits in 300 ms, so it stays active
        p.src().setParameters(FAST.withAvailSwitchoverBandwidth(1_000_000));
        p.src().migrate(p.dst().incomingUri());
        await("the migration is active", () -> p.src().queryMigrate().status().orElse(null) == MigrationStatus.ACTIVE);

        p.src().migrateCancel();
        assertThat(awaitEnd(p.src()).status()).contains(MigrationStatus.CANCELLED);
        assertThat(p.src().runState()).isEqualTo(RunState.RUNNING);
        MigrationInfo dst = awaitEnd(p.dst());
        assertThat(dst.errorDesc()).hasValueSatisfying(d -> assertThat(d).isEqualTo("source aborted: migration cancelled"));
        assertThat(bothRan).isFalse();
    }
}
