package dev.switchover.migration.api;

import java.util.Objects;

/**
 * A device call that has been in flight for a while: a slow or hung device, shown while it is
 * still inside the call (in {@code query-migrate} as {@code x-device-call}, in {@code
 * x-query-migrate-devices} per device), so that a device that does not return is visible at once
 * instead of only when the host's call timeout gives up on it.
 *
 * @param device        the device id ({@code nic0})
 * @param call          the call, as {@code error-desc} names it ({@code saveIterate}, {@code queryPending(EXACT)})
 * @param elapsedMillis how long the call has run so far
 * @since 0.1 (api 1.1)
 */
public record DeviceCall(String device, String call, long elapsedMillis) {

    /**
     * @throws IllegalArgumentException if {@code elapsedMillis} is negative
     */
    public DeviceCall {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(call, "call");
        if (elapsedMillis < 0) {
            throw new IllegalArgumentException("elapsed time can not be negative: " + elapsedMillis);
        }
    }

    /** {@return e.g. {@code device 'nic0' has been in saveIterate for 1200 ms}} */
    public String describe() {
        return "device '" + device + "' has been in " + call + " for " + elapsedMillis + " ms";
    }
}
