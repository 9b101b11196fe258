package com.example.switchover.nic;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.tck.DeviceFixture;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The traffic runs exactly while the machine runs, and a stopped machine's state stays put. */
class NicWorkloadTest {

    @Test
    void framesArriveWhileRunningAndStopBeforeTheRunStateChangeReturns() throws Exception {
        DeviceFixture f = Nics.source(Map.of("ring-slots", "32", "slot-size", "256", "rx-rate", "50000"));
        NicDevice nic = Nics.nic(f);
        assertThat(nic.workloadRunning()).isFalse();

        f.changeRunState(RunState.RUNNING);
        awaitFrames(nic, 200);
        f.changeRunState(RunState.FINISH_MIGRATE);

        assertThat(nic.workloadRunning()).isFalse();
        NicRegisters stopped = nic.registers();
        byte[] digest = nic.stateDigest();
        Thread.sleep(20);
        assertThat(nic.registers()).isEqualTo(stopped);
        assertThat(nic.stateDigest()).isEqualTo(digest);
        assertThat(stopped.rxDropped()).as("some frames are longer than a buffer").isPositive();
        nic.close();
    }

    @Test
    void aZeroRateStartsNoThread() {
        DeviceFixture f = Nics.source(Nics.SMALL);

        f.changeRunState(RunState.RUNNING);

        assertThat(Nics.nic(f).workloadRunning()).isFalse();
        f.changeRunState(RunState.PAUSED);
    }

    /** A hang guard, not a timing assertion: waits up to 30 s for the traffic to show. */
    private static void awaitFrames(NicDevice nic, long frames) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (nic.registers().rxPackets() + nic.registers().rxDropped() < frames) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + nic.registers() + " after 30 s at 50000 frames/s");
            }
            Thread.sleep(2);
        }
    }
}
