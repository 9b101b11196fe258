package dev.switchover.migration.core.internal.trace;

import dev.switchover.migration.spi.DeviceTracer;

/** Maps a device's trace calls onto {@link DeviceTraceEvent}s. */
public record JfrDeviceTracer(String deviceId) implements DeviceTracer {

    private static final DeviceTraceEvent PROBE = new DeviceTraceEvent();

    @Override
    public boolean isEnabled() {
        return PROBE.isEnabled();
    }

    @Override
    public void trace(String event, String detail) {
        DeviceTraceEvent e = new DeviceTraceEvent();
        if (e.isEnabled()) {
            e.device = deviceId;
            e.event = event;
            e.detail = detail;
            e.commit();
        }
    }
}
