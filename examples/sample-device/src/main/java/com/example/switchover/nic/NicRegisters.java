package com.example.switchover.nic;

import dev.switchover.migration.api.Bytes;

/**
 * The card's registers: where the next frame goes and its receive counters.
 *
 * <p>They change with every frame received, so unlike the ring's buffers they are never worth
 * sending while the machine runs: they travel once, in the stop-copy phase.
 *
 * @param head      the slot the next frame is written to, {@code 0..ringSlots-1}
 * @param rxPackets frames received into the ring
 * @param rxBytes   bytes of those frames
 * @param rxDropped frames dropped because they did not fit a slot
 */
record NicRegisters(int head, long rxPackets, long rxBytes, long rxDropped) {

    /** The registers of a card that has received nothing. */
    static final NicRegisters RESET = new NicRegisters(0, 0, 0, 0);

    /** Bytes of the registers on the wire: {@code be32 head, be64 × 3}. */
    static final int WIRE_BYTES = 4 + 3 * 8;

    /** The registers after one frame of {@code length} bytes was written at {@link #head}. */
    NicRegisters received(int length, int ringSlots) {
        return new NicRegisters((head + 1) % ringSlots, Bytes.saturatingAdd(rxPackets, 1),
                Bytes.saturatingAdd(rxBytes, length), rxDropped);
    }

    /** The registers after one frame was dropped. */
    NicRegisters dropped() {
        return new NicRegisters(head, rxPackets, rxBytes, Bytes.saturatingAdd(rxDropped, 1));
    }
}
