package dev.switchover.device.vfio.driver;

import dev.switchover.migration.spi.DeviceFailureException;

/**
 * A driver call failed: the errno of an ioctl, a refused state arc, a bad write to a RESUMING
 * data stream. The message names the operation and why, e.g. {@code SET_STATE STOP_COPY ->
 * PRE_COPY: arc not permitted}. A {@link DeviceFailureException}: when one escapes a migration
 * call unwrapped, the device failed.
 */
public class VfioDriverException extends DeviceFailureException {

    private static final long serialVersionUID = 1L;

    public VfioDriverException(String message) {
        super(message);
    }

    public VfioDriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
