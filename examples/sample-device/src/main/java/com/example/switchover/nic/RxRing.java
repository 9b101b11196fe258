package com.example.switchover.nic;

import dev.switchover.migration.spi.support.LongBitSet;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The card's live state: a ring of receive buffers, its registers, and the log of buffers the
 * guest wrote since the migration last looked.
 *
 * <p>A buffer holds one frame: {@code be16 length}, the frame's bytes, zeros after them. Every
 * write marks its slot in the dirty log; the migration drains the log into its own set of slots
 * to send, so a slot written after it was sent is sent again.
 *
 * <p><b>Thread:</b> any. Every method takes the ring's lock, for the time of a copy of at most
 * one buffer, so the workload and the migration thread never wait on each other for long and
 * never see half a frame. Nothing here does I/O.
 */
final class RxRing {

    /** Bytes before a frame in its buffer: its length, big-endian. */
    static final int LENGTH_PREFIX = 2;

    private final int slots;
    private final int slotSize;
    private final byte[] buffers;
    private final BitSet dirtyLog = new BitSet();
    private final Object lock = new Object();
    private NicRegisters registers = NicRegisters.RESET;

    RxRing(int slots, int slotSize) {
        this.slots = slots;
        this.slotSize = slotSize;
        this.buffers = new byte[Math.multiplyExact(slots, slotSize)];
    }

    int slots() {
        return slots;
    }

    int slotSize() {
        return slotSize;
    }

    /**
     * The guest receives a frame: it goes into the buffer at the head, which advances. A frame
     * longer than a buffer holds is dropped and counted.
     */
    void receive(byte[] frame) {
        synchronized (lock) {
            if (frame.length > slotSize - LENGTH_PREFIX) {
                registers = registers.dropped();
                return;
            }
            int slot = registers.head();
            int at = slot * slotSize;
            buffers[at] = (byte) (frame.length >>> 8);
            buffers[at + 1] = (byte) frame.length;
            System.arraycopy(frame, 0, buffers, at + LENGTH_PREFIX, frame.length);
            Arrays.fill(buffers, at + LENGTH_PREFIX + frame.length, at + slotSize, (byte) 0);
            dirtyLog.set(slot);
            registers = registers.received(frame.length, slots);
        }
    }

    /** Moves every slot written since the last drain into {@code toSend} and clears the log. */
    void drainDirtyInto(LongBitSet toSend) {
        synchronized (lock) {
            for (int slot = dirtyLog.nextSetBit(0); slot >= 0; slot = dirtyLog.nextSetBit(slot + 1)) {
                toSend.set(slot);
            }
            dirtyLog.clear();
        }
    }

    /** Forgets what was written so far: a migration that sends everything starts tracking now. */
    void clearDirtyLog() {
        synchronized (lock) {
            dirtyLog.clear();
        }
    }

    /** Copies buffer {@code slot} into {@code dst} (at least {@link #slotSize()} bytes). */
    void copySlot(int slot, byte[] dst) {
        synchronized (lock) {
            System.arraycopy(buffers, slot * slotSize, dst, 0, slotSize);
        }
    }

    /** Overwrites buffer {@code slot} with what the source sent (destination side). */
    void restoreSlot(int slot, byte[] src) {
        synchronized (lock) {
            System.arraycopy(src, 0, buffers, slot * slotSize, slotSize);
        }
    }

    NicRegisters registers() {
        synchronized (lock) {
            return registers;
        }
    }

    /** Overwrites the registers with what the source sent (destination side). */
    void restoreRegisters(NicRegisters r) {
        synchronized (lock) {
            registers = r;
        }
    }

    /** SHA-256 of every buffer and register: equal on both sides after a migration. */
    byte[] digest() {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
        synchronized (lock) {
            md.update(buffers);
            ByteBuffer r = ByteBuffer.allocate(NicRegisters.WIRE_BYTES)
                    .putInt(registers.head()).putLong(registers.rxPackets())
                    .putLong(registers.rxBytes()).putLong(registers.rxDropped());
            md.update(r.array());
        }
        return md.digest();
    }
}
