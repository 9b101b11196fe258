package dev.switchover.migration.spi;

/**
 * Trace events a device emits for whoever investigates an odd figure. The core records them
 * as JFR events ({@code dev.switchover.DeviceTrace}), so {@code jfr print} of a recording shows
 * them beside the core's own pending-query events.
 *
 * <p><b>Thread:</b> any; cheap when no recording is running ({@link #isEnabled()}).
 *
 * @since 0.1
 */
public interface DeviceTracer {

    /** A tracer that records nothing. */
    DeviceTracer NONE = new DeviceTracer() {
        @Override
        public boolean isEnabled() {
            return false;
        }

        @Override
        public void trace(String event, String detail) {
        }
    };

    /** Whether a recording would keep an event; check it before building an expensive detail. */
    boolean isEnabled();

    /**
     * Records one event.
     *
     * @param event  a short stable name, e.g. {@code precopy-info}
     * @param detail the raw values, e.g. {@code initial_bytes=1048576 dirty_bytes=0}
     */
    void trace(String event, String detail);
}
