package dev.switchover.migration.spi;

/**
 * The section kinds of QEMU's stream, named by the save call that writes each.
 *
 * @since 0.1
 */
public enum SectionKind {
    /** {@code QEMU_VM_SECTION_START} (0x01): the payload of {@code saveSetup}. */
    START(0x01),
    /** {@code QEMU_VM_SECTION_PART} (0x02): the payload of one {@code saveIterate}. */
    PART(0x02),
    /** {@code QEMU_VM_SECTION_END} (0x03): the payload of {@code saveComplete}. */
    END(0x03),
    /** {@code QEMU_VM_SECTION_FULL} (0x04): a whole state in one section. */
    FULL(0x04);

    private final int wireType;

    SectionKind(int wireType) {
        this.wireType = wireType;
    }

    /** The section type byte on the wire. */
    public int wireType() {
        return wireType;
    }
}
