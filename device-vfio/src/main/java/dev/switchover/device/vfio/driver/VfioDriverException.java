package dev.switchover.device.vfio.driver;

import java.io.IOException;

/**
 * A driver call failed: the errno of an ioctl, a refused state arc, a bad write to a RESUMING
 * data stream. The message names the operation and why, e.g. {@code SET_STATE STOP_COPY ->
 * PRE_COPY: arc not permitted}.
 */
public class VfioDriverException extends IOException {

    private static final long serialVersionUID = 1L;

    public VfioDriverException(String message) {
        super(message);
    }

    public VfioDriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
