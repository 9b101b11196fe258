package dev.switchover.migration.core.internal.discovery;

import dev.switchover.migration.core.internal.engine.DeviceSlot;
import dev.switchover.migration.core.internal.trace.JfrDeviceTracer;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;
import dev.switchover.migration.spi.MonotonicClock;
import dev.switchover.migration.spi.RunStateView;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns device specs into devices: parse each spec, find its provider, give the device its
 * context, reject a property it never read, and number the instances of each section name in
 * creation order (so a source and a destination built from the same specs agree on them).
 * All or nothing: if one device can not be built, those already built are closed.
 */
public final class DeviceAssembly {

    private static final System.Logger LOG = System.getLogger(DeviceAssembly.class.getName());

    private DeviceAssembly() {
    }

    /**
     * Builds every device of {@code specs}.
     *
     * @param runState what the devices see as the machine's run state
     * @throws IllegalArgumentException for a malformed spec, an unknown device type, a duplicate
     *                                  id, or a property the device does not know or accept
     */
    public static List<DeviceSlot> assemble(List<String> specs, DeviceCatalog catalog, MonotonicClock clock,
                                            RunStateView runState) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("a machine needs at least one device, e.g. ram,id=ram0,size=256M");
        }
        List<DeviceSpec> parsed = specs.stream().map(DeviceSpec::parse).toList();
        Map<String, Integer> instances = new HashMap<>();
        Set<String> ids = new HashSet<>();
        List<DeviceSlot> slots = new ArrayList<>();
        try {
            for (DeviceSpec spec : parsed) {
                if (!ids.add(spec.id())) {
                    throw new IllegalArgumentException("duplicate device id '" + spec.id() + "'");
                }
                MigrationDeviceProvider provider = catalog.provider(spec.type());
                DeviceContext ctx = DeviceContext.builder(spec.id())
                        .properties(spec.properties())
                        .clock(clock)
                        .tracer(new JfrDeviceTracer(spec.id()))
                        .runState(runState)
                        .logger(System.getLogger("dev.switchover.device." + spec.type()))
                        .build();
                MigrationDevice device = create(provider, spec, ctx);
                Set<String> unknown = ctx.properties().unreadKeys();
                if (!unknown.isEmpty()) {
                    closeQuietly(device);
                    throw new IllegalArgumentException("device '" + spec.id() + "' (" + spec.type()
                            + ") has no propert" + (unknown.size() == 1 ? "y " : "ies ") + String.join(", ", unknown)
                            + "; it understands: " + String.join(", ", ctx.properties().readKeys()));
                }
                String section = device.sectionName();
                int instance = instances.merge(section, 1, Integer::sum) - 1;
                slots.add(new DeviceSlot(spec.id(), spec.type(), device, section, instance));
            }
        } catch (RuntimeException e) {
            slots.forEach(s -> closeQuietly(s.device()));
            throw e;
        }
        return slots;
    }

    private static MigrationDevice create(MigrationDeviceProvider provider, DeviceSpec spec, DeviceContext ctx) {
        MigrationDevice device;
        try {
            device = provider.create(ctx);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalArgumentException("device '" + spec.id() + "' (" + spec.type() + ") failed to start: "
                    + e, e);
        }
        if (device == null) {
            throw new IllegalArgumentException("device type '" + spec.type() + "' created no device for '"
                    + spec.id() + "'");
        }
        return device;
    }

    /** Frees a device that holds resources (off-heap memory, threads), ignoring its failure. */
    public static void closeQuietly(MigrationDevice d) {
        if (d instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a device failed", e);
            }
        }
    }
}
