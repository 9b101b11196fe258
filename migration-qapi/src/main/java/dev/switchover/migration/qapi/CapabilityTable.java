package dev.switchover.migration.qapi;

import dev.switchover.migration.api.MigrationCapability;

import java.util.List;
import java.util.Optional;

/**
 * Every migration capability of QEMU 11.1's {@code MigrationCapability}, in QEMU's order, and
 * what Switchover has of each: one of {@link MigrationCapability} (set and reported), or nothing
 * — then the capability is accepted off and refused on, naming the feature it stands for.
 */
public final class CapabilityTable {

    /**
     * One QEMU capability.
     *
     * @param name       QEMU's name
     * @param capability Switchover's, if it has it
     * @param feature    what it turns on, in words, for the refusal of one Switchover lacks
     * @param features   QAPI features of the enum member ({@code unstable}, {@code deprecated})
     */
    public record Entry(String name, Optional<MigrationCapability> capability, String feature, List<String> features) {

        /** Why turning on a capability Switchover lacks is refused, naming the feature. */
        public String refusal() {
            return "Capability '" + name + "' can not be turned on: " + feature + " is not supported by Switchover";
        }
    }

    private static final List<Entry> ALL = List.of(
            missing("xbzrle", "XBZRLE page delta compression"),
            missing("rdma-pin-all", "RDMA transport"),
            missing("auto-converge", "auto-converge (vCPU throttling)"),
            new Entry("zero-blocks", Optional.empty(), "block migration zero blocks", List.of("deprecated")),
            has(MigrationCapability.EVENTS),
            has(MigrationCapability.POSTCOPY_RAM),
            new Entry("x-colo", Optional.empty(), "COLO fault tolerance", List.of("unstable")),
            missing("release-ram", "releasing RAM during postcopy"),
            has(MigrationCapability.RETURN_PATH),
            has(MigrationCapability.PAUSE_BEFORE_SWITCHOVER),
            has(MigrationCapability.MULTIFD),
            has(MigrationCapability.DIRTY_BITMAPS),
            missing("postcopy-blocktime", "postcopy blocktime accounting"),
            has(MigrationCapability.LATE_BLOCK_ACTIVATE),
            new Entry("x-ignore-shared", Optional.empty(), "skipping shared memory", List.of("unstable")),
            missing("validate-uuid", "source UUID validation"),
            missing("background-snapshot", "background snapshots"),
            missing("zero-copy-send", "zero-copy send"),
            missing("postcopy-preempt", "postcopy preemption channel"),
            missing("switchover-ack", "switchover acknowledgement by devices"),
            missing("dirty-limit", "dirty-limit vCPU throttling"),
            missing("mapped-ram", "mapped-ram migration files"));

    private CapabilityTable() {
    }

    /** Every QEMU capability, in QEMU's order. */
    public static List<Entry> all() {
        return ALL;
    }

    /** QEMU's capability names, in QEMU's order. */
    public static List<String> names() {
        return ALL.stream().map(Entry::name).toList();
    }

    /** The entry for QEMU's capability {@code name}. */
    public static Optional<Entry> find(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    private static Entry has(MigrationCapability c) {
        return new Entry(c.qmpName(), Optional.of(c), c.qmpName(), List.of());
    }

    private static Entry missing(String name, String feature) {
        return new Entry(name, Optional.empty(), feature, List.of());
    }
}
