package dev.switchover.device.s390stattrib;

import java.util.SplittableRandom;

/**
 * The guest's attribute changes: each step picks a page at random and gives it a different valid
 * value (usage state 0–3, NoDAT bit 0x40 or not).
 *
 * <p><b>Thread:</b> {@link #changeOne()} runs on the workload thread only; the generator carries
 * over from one running period to the next.
 */
final class AttributeWorkload {

    private final AttributeStore store;
    private final SplittableRandom random;

    AttributeWorkload(AttributeStore store, long seed) {
        this.store = store;
        this.random = new SplittableRandom(seed);
    }

    void changeOne() {
        long gfn = random.nextLong(store.pages());
        byte old = store.get(gfn);
        byte value;
        do {
            int state = random.nextInt(8);
            value = (byte) ((state & 0x03) | ((state & 0x04) << 4));
        } while (value == old);
        store.write(gfn, value);
    }
}
