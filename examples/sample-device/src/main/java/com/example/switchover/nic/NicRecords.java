package com.example.switchover.nic;

import dev.switchover.migration.spi.InvalidSectionException;
import dev.switchover.migration.spi.SectionReader;
import dev.switchover.migration.spi.SectionWriter;

import java.io.IOException;

/**
 * The device's section payloads (section {@code example-nic}, version 1): a sequence of
 * records, each a tag byte and its fields, big-endian, ending with {@link #END}.
 *
 * <pre>
 *   HEADER     0x01 be32 ring-slots, be32 slot-size   first record of the START section
 *   SLOT       0x02 be32 slot, slot-size bytes        one receive buffer
 *   REGISTERS  0x03 be32 head, be64 rx-packets, be64 rx-bytes, be64 rx-dropped
 *   END        0x00                                   ends every section
 * </pre>
 *
 * <p>The stream comes from another process and may be corrupt or hostile. A reader never
 * trusts it: the header must match this device's geometry before any buffer is accepted, a
 * slot number must be inside the ring, a register must be in range, and no length is ever read
 * from the stream, so nothing it says can make the device allocate or overrun.
 */
final class NicRecords {

    static final int END = 0x00;
    static final int HEADER = 0x01;
    static final int SLOT = 0x02;
    static final int REGISTERS = 0x03;

    /** Bytes of one SLOT record besides the buffer: tag and slot number. */
    static final int SLOT_OVERHEAD = 1 + 4;

    /** Bytes of the REGISTERS record. */
    static final int REGISTERS_RECORD = 1 + NicRegisters.WIRE_BYTES;

    private NicRecords() {
    }

    /** Bytes of one SLOT record for buffers of {@code slotSize}. */
    static long slotRecord(int slotSize) {
        return SLOT_OVERHEAD + (long) slotSize;
    }

    static void writeHeader(SectionWriter out, int ringSlots, int slotSize) throws IOException {
        out.writeByte(HEADER);
        out.writeInt(ringSlots);
        out.writeInt(slotSize);
    }

    static void writeSlot(SectionWriter out, int slot, byte[] buffer, int slotSize) throws IOException {
        out.writeByte(SLOT);
        out.writeInt(slot);
        out.write(buffer, 0, slotSize);
    }

    static void writeRegisters(SectionWriter out, NicRegisters r) throws IOException {
        out.writeByte(REGISTERS);
        out.writeInt(r.head());
        out.writeLong(r.rxPackets());
        out.writeLong(r.rxBytes());
        out.writeLong(r.rxDropped());
    }

    static void writeEnd(SectionWriter out) throws IOException {
        out.writeByte(END);
    }

    /** Where the records of one section go on the destination. */
    interface Sink {
        void header(int ringSlots, int slotSize) throws IOException;

        void slot(int slot, byte[] buffer) throws IOException;

        void registers(NicRegisters registers) throws IOException;
    }

    /**
     * Reads records up to and including {@link #END}, checking each before handing it to
     * {@code sink}.
     *
     * @param device     names the device in error messages, e.g. {@code example-nic 'nic0'}
     * @param ringSlots  this device's ring size: slot numbers and the head must be below it
     * @param scratch    a buffer of this device's slot size, reused for every SLOT record
     * @param headerSeen whether an earlier section carried the header
     * @return whether the header has been seen, including in this section
     * @throws InvalidSectionException naming the device, the record and the offset in the section
     *                                 ({@link java.io.EOFException} if it ends inside a record)
     */
    static boolean read(SectionReader in, String device, int ringSlots, byte[] scratch, boolean headerSeen, Sink sink)
            throws IOException {
        boolean seen = headerSeen;
        while (true) {
            long at = in.bytesRead();
            int tag = in.readUnsignedByte();
            if (tag == END) {
                return seen;
            }
            if (tag != HEADER && !seen) {
                throw new InvalidSectionException(device + ": record 0x" + Integer.toHexString(tag) + " at offset " + at
                        + " before the header; the START section must come first");
            }
            switch (tag) {
                case HEADER -> {
                    sink.header(in.readInt(), in.readInt());
                    seen = true;
                }
                case SLOT -> {
                    int slot = in.readInt();
                    if (slot < 0 || slot >= ringSlots) {
                        throw new InvalidSectionException(device + ": SLOT record at offset " + at + " names slot "
                                + Integer.toUnsignedString(slot) + ", but the ring has slots 0.." + (ringSlots - 1));
                    }
                    in.readFully(scratch);
                    sink.slot(slot, scratch);
                }
                case REGISTERS -> sink.registers(readRegisters(in, device, ringSlots, at));
                default -> throw new InvalidSectionException(device + ": unknown record tag 0x"
                        + Integer.toHexString(tag) + " at offset " + at + " (a newer or corrupt stream)");
            }
        }
    }

    private static NicRegisters readRegisters(SectionReader in, String device, int ringSlots, long at)
            throws IOException {
        int head = in.readInt();
        long packets = in.readLong();
        long bytes = in.readLong();
        long dropped = in.readLong();
        if (head < 0 || head >= ringSlots) {
            throw new InvalidSectionException(device + ": REGISTERS record at offset " + at + " has head "
                    + Integer.toUnsignedString(head) + ", but the ring has slots 0.." + (ringSlots - 1));
        }
        if (packets < 0 || bytes < 0 || dropped < 0) {
            throw new InvalidSectionException(device + ": REGISTERS record at offset " + at
                    + " has a negative counter: rx-packets=" + Long.toUnsignedString(packets)
                    + " rx-bytes=" + Long.toUnsignedString(bytes)
                    + " rx-dropped=" + Long.toUnsignedString(dropped));
        }
        return new NicRegisters(head, packets, bytes, dropped);
    }
}
