package com.example.switchover.nic;

import dev.switchover.migration.api.Bytes;
import dev.switchover.migration.api.Pending;
import dev.switchover.migration.api.QueryMode;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.DeviceStats;
import dev.switchover.migration.spi.DeviceTracer;
import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.IterationResult;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.PendingAnswer;
import dev.switchover.migration.spi.SaveOptions;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;
import dev.switchover.migration.spi.support.LongBitSet;
import dev.switchover.migration.spi.support.PendingLedger;

import java.io.IOException;
import java.util.Optional;

/**
 * An example network card: a receive ring of {@code ring-slots} buffers that a running guest
 * fills with frames, and registers that count them.
 *
 * <h2>What migrates how</h2>
 * The buffers are written one frame at a time and stay put, so they are <b>pre-copy</b> data:
 * every buffer goes once while the machine runs, and a buffer written after it went goes again.
 * The registers change with every frame, so sending them early is pointless: they are
 * <b>stop-copy</b> data, sent once while the machine is stopped. Nothing is postcopy.
 *
 * <h2>Pending</h2>
 * {@code precopy} = buffers still to send × the bytes of a SLOT record; {@code stopcopy} = the
 * REGISTERS record until it is sent. The record headers are counted, so the figures are the
 * bytes the device will write. EXACT drains the guest's dirty log (a short lock on the ring);
 * ESTIMATE is EXACT's figures minus what was sent since ({@link PendingLedger}). Before a
 * migration and after its cleanup the figures are what a new migration would send: everything.
 *
 * <h2>Threads</h2>
 * The migration thread calls the {@code save*}, {@code load*} and {@code queryPending} methods,
 * one at a time; only it touches {@link #toSend}. The workload thread writes frames into the
 * ring concurrently; the ring's lock makes each frame and each buffer copy atomic.
 * {@link #onRunStateChange} starts and joins the workload. {@link #stateDigest()} may come from
 * any thread.
 */
final class NicDevice implements MigrationDevice, AutoCloseable {

    /** The section this device owns in the migration stream. */
    static final String SECTION = "example-nic";

    /** Version 1: the records of {@link NicRecords}. */
    static final int SECTION_VERSION = 1;

    private enum Phase { IDLE, ACTIVE, COMPLETED }

    private final String name;
    private final DeviceTracer tracer;
    private final RxRing ring;
    private final PacketWorkload workload;
    private final long slotRecord;
    private final PendingLedger ledger;
    /** Buffers still to send: the migration bitmap, one bit per slot. */
    private final LongBitSet toSend;
    private final byte[] scratch;
    private volatile Phase phase = Phase.IDLE;
    private boolean headerLoaded;

    NicDevice(DeviceContext context, NicConfig config) {
        this.name = NicDeviceProvider.TYPE + " '" + context.id() + "'";
        this.tracer = context.tracer();
        this.ring = new RxRing(config.ringSlots(), config.slotSize());
        this.workload = new PacketWorkload(ring, config.rxRate(), config.seed(), context.clock(), context.id());
        this.slotRecord = NicRecords.slotRecord(config.slotSize());
        this.scratch = new byte[config.slotSize()];
        this.toSend = new LongBitSet(config.ringSlots());
        this.ledger = new PendingLedger();
        ledger.reset(everything());
    }

    @Override
    public String sectionName() {
        return SECTION;
    }

    @Override
    public int sectionVersion() {
        return SECTION_VERSION;
    }

    // ------------------------------------------------------------------ guest side

    /**
     * The guest receives {@code frame}: written into the buffer at the head, or dropped and
     * counted if it does not fit. <b>Thread:</b> any.
     */
    void receive(byte[] frame) {
        ring.receive(frame);
    }

    NicRegisters registers() {
        return ring.registers();
    }

    boolean workloadRunning() {
        return workload.isRunning();
    }

    // ------------------------------------------------------------------ pending

    /**
     * EXACT drains the dirty log into the set of buffers to send and records the figures;
     * ESTIMATE returns them minus what was sent since. <b>Thread:</b> the migration thread
     * (ESTIMATE: any thread); ESTIMATE never takes the ring's lock.
     */
    @Override
    public PendingAnswer queryPending(QueryMode mode) {
        if (mode == QueryMode.ESTIMATE) {
            return PendingAnswer.of(ledger.estimate());
        }
        Pending exact = switch (phase) {
            case IDLE -> ledger.reset(everything());
            case ACTIVE -> {
                ring.drainDirtyInto(toSend);
                yield ledger.reset(toSendAndRegisters());
            }
            case COMPLETED -> ledger.reset(Pending.NONE);
        };
        if (tracer.isEnabled()) {
            tracer.trace("pending-exact", "phase=" + phase + " dirty_slots=" + toSend.cardinality()
                    + " precopy=" + exact.precopy() + " stopcopy=" + exact.stopcopy());
        }
        return PendingAnswer.of(exact);
    }

    /** What a migration starting now sends: a SLOT record for every buffer, then the registers. */
    private Pending everything() {
        return Pending.precopy(Bytes.saturatingMul(ring.slots(), slotRecord))
                .plus(Pending.stopcopy(NicRecords.REGISTERS_RECORD));
    }

    /** A SLOT record for every buffer still to send, then the registers. */
    private Pending toSendAndRegisters() {
        return Pending.precopy(Bytes.saturatingMul(toSend.cardinality(), slotRecord))
                .plus(Pending.stopcopy(NicRecords.REGISTERS_RECORD));
    }

    // ------------------------------------------------------------------ source side

    /**
     * Marks every buffer to be sent, starts tracking writes from here, and writes the header the
     * destination checks its geometry against. <b>Thread:</b> the migration thread.
     */
    @Override
    public void saveSetup(SectionWriter out, SaveOptions options) throws IOException {
        ring.clearDirtyLog();
        toSend.setAll();
        ledger.reset(everything());
        phase = Phase.ACTIVE;
        NicRecords.writeHeader(out, ring.slots(), ring.slotSize());
        NicRecords.writeEnd(out);
    }

    /**
     * Sends buffers still to send, about {@code budgetBytes} worth. Each buffer is copied under
     * the ring's lock and written outside it, so a slow stream never stalls the guest.
     * <b>Thread:</b> the migration thread; the machine runs.
     */
    @Override
    public IterationResult saveIterate(SectionWriter out, long budgetBytes) throws IOException {
        long written = 0;
        long slot = toSend.nextSetBit(0);
        while (slot >= 0 && (written == 0 || written < budgetBytes)) {
            sendSlot(out, (int) slot);
            written += slotRecord;
            slot = toSend.nextSetBit(slot + 1);
        }
        NicRecords.writeEnd(out);
        return toSend.isEmpty() ? IterationResult.DONE : IterationResult.MORE;
    }

    /**
     * Sends every buffer written since it was last sent, then the registers. <b>Thread:</b> the
     * migration thread; the machine is stopped, so the workload no longer writes.
     */
    @Override
    public void saveComplete(SectionWriter out) throws IOException {
        ring.drainDirtyInto(toSend);
        for (long slot = toSend.nextSetBit(0); slot >= 0; slot = toSend.nextSetBit(slot + 1)) {
            sendSlot(out, (int) slot);
        }
        NicRecords.writeRegisters(out, ring.registers());
        NicRecords.writeEnd(out);
        phase = Phase.COMPLETED;
        ledger.reset(Pending.NONE);
    }

    private void sendSlot(SectionWriter out, int slot) throws IOException {
        toSend.clear(slot);
        ring.copySlot(slot, scratch);
        NicRecords.writeSlot(out, slot, scratch, ring.slotSize());
        ledger.sent(Pending.precopy(slotRecord));
    }

    /** Forgets the migration; idempotent, valid without setup. <b>Thread:</b> the migration thread. */
    @Override
    public void saveCleanup() {
        toSend.clearAll();
        phase = Phase.IDLE;
        ledger.reset(everything());
    }

    // ------------------------------------------------------------------ destination side

    /** <b>Thread:</b> the incoming migration thread; the machine is in {@code inmigrate}. */
    @Override
    public void loadSetup() {
        headerLoaded = false;
    }

    /**
     * Reads one section's records; see {@link NicRecords} for what is checked. <b>Thread:</b> the
     * incoming migration thread; the machine is in {@code inmigrate}.
     *
     * @throws InvalidSectionException naming this device and what is wrong with the stream
     */
    @Override
    public void loadSection(SectionReader in, SectionKind kind, int version) throws IOException {
        headerLoaded = NicRecords.read(in, name, ring.slots(), scratch, headerLoaded, new NicRecords.Sink() {
            @Override
            public void header(int ringSlots, int slotSize) throws IOException {
                if (ringSlots != ring.slots() || slotSize != ring.slotSize()) {
                    throw new InvalidSectionException(name + ": the source's ring has "
                            + Integer.toUnsignedString(ringSlots) + " slots of " + Integer.toUnsignedString(slotSize)
                            + " bytes, this device has "
                            + ring.slots() + " slots of " + ring.slotSize()
                            + " bytes; start the destination with the source's ring-slots and slot-size");
                }
            }

            @Override
            public void slot(int slot, byte[] buffer) {
                ring.restoreSlot(slot, buffer);
            }

            @Override
            public void registers(NicRegisters registers) {
                ring.restoreRegisters(registers);
            }
        });
    }

    @Override
    public void loadCleanup() {
        headerLoaded = false;
    }

    // ------------------------------------------------------------------ both sides

    /**
     * Starts the traffic on entering {@link RunState#RUNNING}; on leaving it, returns only once
     * the last frame is written. <b>Thread:</b> whoever changes the run state.
     */
    @Override
    public void onRunStateChange(RunState from, RunState to) {
        if (to.isRunning()) {
            workload.start();
        } else {
            workload.stopAndJoin();
        }
    }

    /** SHA-256 of the buffers and registers. <b>Thread:</b> any; stable while the machine is stopped. */
    /**
     * The NIC's own counters, under its own names: the host shows them in
     * {@code x-query-migrate-devices} ({@code statistics}), the migration report and the MXBean
     * without knowing this device type. Reads one register snapshot; safe from any thread.
     */
    @Override
    public Optional<DeviceStats> stats() {
        NicRegisters r = ring.registers();
        return Optional.of(DeviceStats.of(sectionName())
                .counter("rx-packets", r.rxPackets())
                .counter("rx-bytes", r.rxBytes())
                .counter("rx-dropped", r.rxDropped())
                .build());
    }

    @Override
    public byte[] stateDigest() {
        return ring.digest();
    }

    /** Stops the traffic when the machine is closed. */
    @Override
    public void close() {
        workload.stopAndJoin();
    }
}
