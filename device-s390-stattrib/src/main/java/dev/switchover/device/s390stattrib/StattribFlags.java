package dev.switchover.device.s390stattrib;

/**
 * The record flags of QEMU's {@code s390-storage_attributes} section ({@code
 * hw/s390x/s390-stattrib.c}), with QEMU's values. A record starts with {@code be64 (address |
 * flags)}: the guest address of a page ({@code gfn << 12}) in the high bits, the flags in the low
 * twelve ({@code ~TARGET_PAGE_MASK}).
 */
final class StattribFlags {

    /** End of this section's records. */
    static final long EOS = 0x01;
    /** Attribute data: {@code be64 count} and {@code count} attribute bytes follow. */
    static final long MORE = 0x02;
    /** The source could not read all attributes; the destination must fail. */
    static final long ERROR = 0x04;
    /** The last pre-copied value was sent: the destination applies what it received. */
    static final long DONE = 0x08;

    /** QEMU's {@code TARGET_PAGE_BITS} on s390x: 4 KiB pages. */
    static final int PAGE_SHIFT = 12;
    static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    /** The low bits of a record's first word that hold flags. */
    static final long FLAGS_MASK = PAGE_SIZE - 1;

    private StattribFlags() {
    }
}
