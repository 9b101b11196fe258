package dev.switchover.bench;

import java.util.Optional;

/**
 * QEMU's equivalent of a fidelity-matrix {@link Scenario}: a guest that fills its RAM with a
 * non-zero pattern and then halts (idle) or keeps dirtying a working set ({@link FillBootSector}),
 * migrated with the scenario's {@code max-bandwidth}.
 *
 * <p>The dirtying guest spaces its page writes by a delay loop sized from {@link
 * #LOOP_ITERATIONS_PER_SECOND}, this machine's TCG speed for {@code loop}; TCG's speed varies with
 * the host and its load, so the rate is nominal and the benchmark prints the rate QEMU itself
 * measured.
 *
 * @param scenario     the Switchover scenario's name
 * @param maxBandwidth {@code max-bandwidth} in bytes/s
 * @param workingSet   bytes dirtied over and over, 0 for an idle guest
 * @param dirtyRate    nominal bytes/s dirtied, 0 for an idle guest
 */
record QemuWorkload(String scenario, long maxBandwidth, long workingSet, long dirtyRate) {

    /**
     * {@code loop} iterations per second under TCG on the 2-core machine this was written on
     * (QEMU 7.2: 2.0–2.9 MiB/s with 2,000,000 iterations per page, 15–27 MiB/s with 200,000,
     * from the guest's {@code EDI} in {@code info registers} 0.5 s apart); KVM runs it faster.
     */
    static final long LOOP_ITERATIONS_PER_SECOND = 1_200_000_000L;

    private static final int PATTERN = 0x5A5AA5A5;
    private static final long PAGE = 4096;

    /** The QEMU equivalent of {@code s}, or empty when QEMU has none here (a VFIO device). */
    static Optional<QemuWorkload> of(Scenario s) {
        return switch (s.name()) {
            case "idle", "max-bw-32M" -> Optional.of(new QemuWorkload(s.name(), s.maxBandwidth(), 0, 0));
            case "dirty-8M/s" -> Optional.of(new QemuWorkload(s.name(), s.maxBandwidth(), 32L << 20, 8L << 20));
            case "dirty-32M/s" -> Optional.of(new QemuWorkload(s.name(), s.maxBandwidth(), 32L << 20, 32L << 20));
            default -> Optional.empty();
        };
    }

    boolean dirties() {
        return workingSet > 0;
    }

    /** The boot sector for a guest of {@code ramBytes}. */
    byte[] bootSector(long ramBytes) {
        if (!dirties()) {
            return FillBootSector.filling(ramBytes, PATTERN);
        }
        long pagesPerSecond = Math.max(1, dirtyRate / PAGE);
        int delay = (int) Math.max(1, Math.min(Integer.MAX_VALUE, LOOP_ITERATIONS_PER_SECOND / pagesPerSecond));
        return FillBootSector.dirtying(ramBytes, PATTERN, workingSet, delay);
    }

    /** What {@code info registers} shows once the guest has filled its RAM. */
    String readyMark() {
        return dirties() ? FillBootSector.DIRTYING_MARK : FillBootSector.HALTED_MARK;
    }
}
