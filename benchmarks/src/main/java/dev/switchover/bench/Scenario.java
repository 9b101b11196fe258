package dev.switchover.bench;

import java.util.List;

/**
 * One workload of the fidelity matrix: the devices both sides run and the {@code max-bandwidth}
 * the source migrates with.
 *
 * @param name         printed in the table
 * @param source       the source's device specs
 * @param destination  the destination's device specs (the same devices)
 * @param maxBandwidth {@code max-bandwidth} in bytes/s (QEMU's default is 128 MiB/s)
 */
record Scenario(String name, List<String> source, List<String> destination, long maxBandwidth) {

    static final long DEFAULT_MAX_BANDWIDTH = 128L << 20;

    /**
     * The matrix: idle RAM, RAM dirtied at two rates, RAM + VFIO, and a low {@code max-bandwidth};
     * with {@code prealloc}, the destination's RAM is made resident when it starts.
     */
    static List<Scenario> all(long ramBytes, boolean prealloc) {
        String ram = "ram,id=ram0,size=" + ramBytes;
        String dstRam = prealloc ? ram + ",prealloc=on" : ram;
        String vfio = "vfio,id=vfio0,state-size=48M,precopy-size=32M";
        return List.of(
                new Scenario("idle", List.of(ram + ",fill=random"), List.of(dstRam), DEFAULT_MAX_BANDWIDTH),
                new Scenario("dirty-8M/s", List.of(ram + ",fill=random,working-set=32M,dirty-rate=8M"), List.of(dstRam),
                        DEFAULT_MAX_BANDWIDTH),
                new Scenario("dirty-32M/s", List.of(ram + ",fill=random,working-set=32M,dirty-rate=32M"),
                        List.of(dstRam), DEFAULT_MAX_BANDWIDTH),
                new Scenario("ram+vfio", List.of(ram + ",fill=random", vfio), List.of(dstRam, vfio),
                        DEFAULT_MAX_BANDWIDTH),
                new Scenario("max-bw-32M", List.of(ram + ",fill=random,working-set=16M,dirty-rate=4M"), List.of(dstRam),
                        32L << 20));
    }
}
