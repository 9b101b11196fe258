package dev.switchover.migration.core.internal.engine;

/**
 * A device method failed: carries the device id and the call, so {@code error-desc} can say
 * "device 'vfio0' failed in saveIterate: …" instead of a bare stack trace.
 */
public final class DeviceCallException extends Exception {

    private final String deviceId;
    private final String call;

    public DeviceCallException(String deviceId, String call, Throwable cause) {
        super("device '" + deviceId + "' failed in " + call + ": " + describe(cause), cause);
        this.deviceId = deviceId;
        this.call = call;
    }

    public String deviceId() {
        return deviceId;
    }

    public String call() {
        return call;
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
