package dev.switchover.device.dirtybitmap;

/**
 * The record flags of QEMU's {@code dirty-bitmap} migration stream
 * ({@code migration/block-dirty-bitmap.c}), with QEMU's values.
 *
 * <p>On the wire the flags take one, two or four bytes: a first byte with bit 7
 * ({@link #EXTRA_FLAGS}) clear is the whole field; with it set, a second byte follows, and if
 * that byte's bit 7 is set too, a big-endian 16-bit word follows. Writers (QEMU's and ours) only
 * ever use the one-byte form; readers accept all three and then reject unknown bits.
 */
final class DirtyBitmapFlags {

    /** End of the records of this section chunk. */
    static final int EOS = 0x01;
    /** With {@link #BITS}: the range is all zeroes and no payload follows. */
    static final int ZEROES = 0x02;
    /** A counted bitmap name follows the flags (the bitmap changed since the last record). */
    static final int BITMAP_NAME = 0x04;
    /** A counted device (node) name follows the flags (the node changed since the last record). */
    static final int DEVICE_NAME = 0x08;
    /** A bitmap starts: {@code be32 granularity}, {@code u8 start flags} follow. */
    static final int START = 0x10;
    /** A bitmap is complete: nothing follows. */
    static final int COMPLETE = 0x20;
    /** A range of bits: {@code be64 start sector}, {@code be32 sector count}, then the payload. */
    static final int BITS = 0x40;
    /** Marks a flags field longer than one byte. */
    static final int EXTRA_FLAGS = 0x80;

    /** Every flag a record may carry. */
    static final int KNOWN = EOS | ZEROES | BITMAP_NAME | DEVICE_NAME | START | COMPLETE | BITS;

    /** START record flag: the bitmap records writes (is enabled). */
    static final int START_ENABLED = 0x01;
    /** START record flag: the bitmap is persistent (stored in the image). */
    static final int START_PERSISTENT = 0x02;
    /** START record flags that must be zero (0x04, once "autoload", is ignored as in QEMU). */
    static final int START_RESERVED_MASK = 0xf8;

    private DirtyBitmapFlags() {
    }

    /**
     * Flags by QEMU's names ({@code START|BITMAP_NAME}), unknown bits as their value, for error
     * messages: they name what the record claims, not the bytes it came in.
     */
    static String describe(long flags) {
        String[] names = {"EOS", "ZEROES", "BITMAP_NAME", "DEVICE_NAME", "START", "COMPLETE", "BITS", "EXTRA_FLAGS"};
        java.util.List<String> set = new java.util.ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            if ((flags & (1L << bit)) != 0) {
                set.add(bit < names.length ? names[bit] : "bit " + bit);
            }
        }
        return set.isEmpty() ? "none" : String.join("|", set);
    }

    /** The numbers of the bits set in {@code flags}, e.g. {@code 3,7}. */
    static String bits(int flags) {
        return java.util.stream.IntStream.range(0, 32).filter(b -> (flags & (1 << b)) != 0)
                .mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
    }

    /** A name read from the stream, made safe to print: control characters as '?', at most 64 characters. */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder();
        name.codePoints().limit(64).forEach(c -> sb.appendCodePoint(Character.isISOControl(c) || c == 0xfffd ? '?' : c));
        return name.codePointCount(0, name.length()) > 64 ? sb + "..." : sb.toString();
    }
}
