/**
 * The {@code ram} device: guest memory held off-heap (optionally file-backed), with a dirty log
 * written by every guest write, QEMU's RAM section format on the wire, and a built-in workload
 * that dirties memory while the machine runs.
 *
 * <p>Exports nothing: the core finds {@link dev.switchover.device.ram.RamDeviceProvider} through
 * {@link java.util.ServiceLoader}.
 */
module dev.switchover.device.ram {
    requires dev.switchover.migration.api;

    provides dev.switchover.migration.spi.MigrationDeviceProvider
            with dev.switchover.device.ram.RamDeviceProvider;
}
