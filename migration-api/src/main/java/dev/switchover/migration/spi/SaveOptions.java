package dev.switchover.migration.spi;

/**
 * What an outgoing migration asks of every device, fixed at setup.
 *
 * @param postcopy whether postcopy is enabled: a device that supports it reports its iterable
 *                 data in the postcopy bucket instead of the pre-copy bucket (QEMU's RAM with
 *                 {@code postcopy-ram})
 * @since 0.1
 */
public record SaveOptions(boolean postcopy) {

    /** Pre-copy only. */
    public static final SaveOptions PRECOPY = new SaveOptions(false);
}
