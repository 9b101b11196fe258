package dev.switchover.device.ram;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

/**
 * Writes the initial contents of guest memory ({@link InitialFill}) in bulk: words are produced
 * into a 64 KiB heap buffer and copied into the segment one buffer at a time, so filling a
 * gigabyte costs a PRNG call per word and a memory copy, not a bounds-checked call per byte.
 *
 * <p>The fill bypasses the dirty log: it happens before any migration exists.
 */
final class MemoryFill {

    private static final int CHUNK_WORDS = 8192;
    private static final long PATTERN_MASK = 0xA5A5A5A5A5A5A5A5L;

    private MemoryFill() {
    }

    /** Fills {@code memory} as {@code fill} says; {@code seed} drives {@link InitialFill#RANDOM}. */
    static void fill(MemorySegment memory, InitialFill fill, long seed) {
        switch (fill) {
            case ZERO -> memory.fill((byte) 0);
            case RANDOM -> random(memory, new SplittableRandom(seed));
            case PATTERN -> pattern(memory);
        }
    }

    private static void random(MemorySegment memory, SplittableRandom random) {
        long[] chunk = new long[CHUNK_WORDS];
        long words = memory.byteSize() / Long.BYTES;
        for (long w = 0; w < words; w += CHUNK_WORDS) {
            int n = (int) Math.min(CHUNK_WORDS, words - w);
            for (int i = 0; i < n; i++) {
                chunk[i] = random.nextLong();
            }
            MemorySegment.copy(chunk, 0, memory, GuestMemory.GUEST_LONG, w * Long.BYTES, n);
        }
    }

    private static void pattern(MemorySegment memory) {
        long[] chunk = new long[CHUNK_WORDS];
        long words = memory.byteSize() / Long.BYTES;
        for (long w = 0; w < words; w += CHUNK_WORDS) {
            int n = (int) Math.min(CHUNK_WORDS, words - w);
            for (int i = 0; i < n; i++) {
                chunk[i] = ((w + i) * Long.BYTES) ^ PATTERN_MASK;
            }
            MemorySegment.copy(chunk, 0, memory, GuestMemory.GUEST_LONG, w * Long.BYTES, n);
        }
    }
}
