package dev.switchover.migration.spi;

import java.lang.System.Logger;

/** The one implementation of {@link DeviceContext}; built by {@link DeviceContext.Builder}. */
record BuiltDeviceContext(String id, DeviceProperties properties, MonotonicClock clock,
                          DeviceTracer tracer, RunStateView runState, Logger logger)
        implements DeviceContext {
}
