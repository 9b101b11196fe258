package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.api.MigrationParameters;
import dev.switchover.migration.api.MigrationStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A pre-copy loop over scripted devices, with a fake clock and fixed parameters. */
final class LoopFixture {

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AtomicLong bytes = new AtomicLong();
    final BandwidthMeter meter = new BandwidthMeter();
    final List<Long> passes = new ArrayList<>();
    final List<DeviceSlot> slots = new ArrayList<>();
    MigrationParameters parameters = MigrationParameters.DEFAULTS;
    MigrationStateMachine states;
    MigrationStats stats;
    PrecopyLoop loop;
    PassRecorder recorder;
    int recorderCapacity = PassRecorder.CAPACITY;
    volatile boolean stopped;

    LoopFixture device(String id, ScriptedDevice d) {
        slots.add(new DeviceSlot(id, "scripted", d, "scripted", slots.size()));
        return this;
    }

    LoopFixture parameters(MigrationParameters p) {
        parameters = p;
        return this;
    }

    LoopFixture start() {
        states = new MigrationStateMachine("loop fixture", (from, to) -> stats.statusChanged(to));
        stats = new MigrationStats(now::get, meter, slots, () -> parameters, states);
        stats.transferredFrom(bytes::get);
        states.transition(MigrationStatus.NONE, MigrationStatus.SETUP);
        states.transition(MigrationStatus.SETUP, MigrationStatus.ACTIVE);
        recorder = new PassRecorder(stats, () -> stopped, recorderCapacity);
        loop = new PrecopyLoop(new PendingAggregator(slots), meter, stats, bytes::get, passes::add, recorder);
        meter.start(now.get(), bytes.get());
        return this;
    }

    RoundDecision next() throws DeviceCallException {
        return loop.next(now.get());
    }
}
