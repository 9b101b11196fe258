package dev.switchover.migration.spi;

import java.lang.System.Logger;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the host hands a device when it creates it. Host-owned: sealed, so it can grow
 * new methods without breaking a device; devices only call it.
 *
 * <p>Hosts (the core, the conformance kit, a device's own unit tests) build one with {@link
 * #builder(String)}.
 *
 * @since 0.1
 */
public sealed interface DeviceContext permits BuiltDeviceContext {

    /** The device id from the spec ({@code id=ram0}); unique within the machine. */
    String id();

    /** The typed, validated properties from the spec ({@code size=4G,dirty-rate=200M}). */
    DeviceProperties properties();

    /** The host's monotonic clock. */
    MonotonicClock clock();

    /** Trace events (JFR under the core). */
    DeviceTracer tracer();

    /** The machine's run state. */
    RunStateView runState();

    /** A logger named after the device type; messages should name {@link #id()}. */
    Logger logger();

    /** Starts a context for the device with id {@code id}. */
    static Builder builder(String id) {
        return new Builder(id);
    }

    /** Builds a {@link DeviceContext}; unset members get harmless defaults. */
    final class Builder {
        private final String id;
        private Map<String, String> properties = Map.of();
        private MonotonicClock clock = MonotonicClock.SYSTEM;
        private DeviceTracer tracer = DeviceTracer.NONE;
        private RunStateView runState = () -> dev.switchover.migration.api.RunState.RUNNING;
        private Logger logger;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id);
        }

        /** The raw {@code key=value} properties of the spec, without {@code id}. */
        public Builder properties(Map<String, String> v) {
            properties = Map.copyOf(v);
            return this;
        }

        public Builder clock(MonotonicClock v) {
            clock = Objects.requireNonNull(v);
            return this;
        }

        public Builder tracer(DeviceTracer v) {
            tracer = Objects.requireNonNull(v);
            return this;
        }

        public Builder runState(RunStateView v) {
            runState = Objects.requireNonNull(v);
            return this;
        }

        public Builder logger(Logger v) {
            logger = Objects.requireNonNull(v);
            return this;
        }

        public DeviceContext build() {
            Logger l = logger != null ? logger : System.getLogger("dev.switchover.device." + id);
            return new BuiltDeviceContext(id, new DeviceProperties(id, properties), clock, tracer, runState, l);
        }
    }
}
