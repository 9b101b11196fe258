package dev.switchover.device.ram;

import dev.switchover.migration.api.ApiVersion;
import dev.switchover.migration.spi.DeviceContext;
import dev.switchover.migration.spi.MigrationDevice;
import dev.switchover.migration.spi.MigrationDeviceProvider;

/**
 * The {@code ram} device type: guest RAM with dirty logging, migrated in QEMU's RAM format.
 *
 * <h2>Properties</h2>
 * <table>
 *   <caption>ram device properties</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code size}</td><td>{@code 128M}</td><td>guest memory; a positive multiple of 4 KiB,
 *       at most 1 TiB</td></tr>
 *   <tr><td>{@code working-set}</td><td>{@code size}</td><td>bytes from address 0 that the workload
 *       dirties; 4 KiB to {@code size}, whole pages (rounded down)</td></tr>
 *   <tr><td>{@code dirty-rate}</td><td>{@code 0}</td><td>bytes per second the workload dirties while
 *       the machine runs; {@code 0} is an idle guest</td></tr>
 *   <tr><td>{@code pattern}</td><td>{@code sequential}</td><td>{@code sequential} or {@code random}:
 *       the order of the pages the workload touches</td></tr>
 *   <tr><td>{@code fill}</td><td>none</td><td>initial contents: {@code zero}, {@code random} (from
 *       {@code seed}) or {@code pattern} (each word is its address XOR 0xA5A5A5A5A5A5A5A5). Without it,
 *       anonymous memory starts zeroed and file-backed memory starts with the file's contents</td></tr>
 *   <tr><td>{@code file}</td><td>none</td><td>back guest memory with this file, mapped shared: the
 *       guest sees the file's first {@code size} bytes and writes go to the file; created or extended
 *       as needed</td></tr>
 *   <tr><td>{@code prealloc}</td><td>{@code off}</td><td>{@code on}: make anonymous memory resident
 *       when the device is created (QEMU's {@code prealloc=on} / {@code -mem-prealloc}), so a
 *       destination takes no page fault while loading; costs {@code size} of host memory at once</td></tr>
 *   <tr><td>{@code seed}</td><td>fixed</td><td>seed of the random fill and the random pattern, so runs
 *       are reproducible</td></tr>
 *   <tr><td>{@code block}</td><td>{@code pc.ram}</td><td>the RAM block's name in the stream (QEMU's
 *       RAMBlock {@code idstr}: {@code pc.ram} is a PC machine's main RAM), 1–255 bytes of UTF-8;
 *       source and destination must agree, and two RAM devices of one machine need two names for
 *       QEMU's {@code analyze-migration.py -x} to extract both</td></tr>
 * </table>
 *
 * <h2>Behaviour</h2>
 * Guest memory is off-heap in 4 KiB pages. Anonymous memory is a private {@code mmap} with
 * {@code MAP_NORESERVE} when the JVM gives this module native access ({@code
 * --enable-native-access=dev.switchover.device.ram}): a page is resident only once written, so an
 * idle or all-zero guest costs next to nothing on either side, and {@code fill=zero} writes
 * nothing. Without native access it is allocated and zeroed up front (all of it resident).
 * Every write through the device's memory API stores
 * the data and then sets the page's bit in a dirty log. An outgoing migration starts with all
 * pages dirty in its migration bitmap; an EXACT pending query folds the dirty log into that
 * bitmap (a <em>sync</em>: {@code dirty-sync-count} + 1, {@code dirty-pages-rate} updated at most
 * once a second), an ESTIMATE reads the bitmap's count without syncing. While the machine runs, a
 * workload thread dirties the working set at {@code dirty-rate}; it is stopped and joined whenever
 * the machine leaves {@code running}.
 *
 * <h2>Wire format</h2>
 * Section {@code ram}, version 4, QEMU's records with big-endian integers and
 * {@code RAM_SAVE_FLAG_*} in the low 12 bits of each record's first word:
 * <pre>
 * START (setup)  be64 (size | MEM_SIZE 0x04), u8 len, block, be64 size, be64 EOS 0x10
 * PART / END     page records, then be64 EOS 0x10
 * zero page      be64 (offset | ZERO 0x02 [| CONTINUE 0x20]), [u8 len, block], u8 0
 * normal page    be64 (offset | PAGE 0x08 [| CONTINUE 0x20]), [u8 len, block], 4096 bytes
 * </pre>
 * CONTINUE (the block name left out) is set on every page record of a section but the first.
 * Zero pages are found by comparing with a zero page and sent as ZERO records (QMP
 * {@code duplicate}), others as PAGE records (QMP {@code normal}). No XBZRLE, no multifd, no
 * per-block page size (our block's page size is the target page size, so QEMU would not write
 * one either). The destination refuses anything else with an {@link java.io.IOException} naming
 * the device, block and section, refuses a stream whose RAM size or block name differs from its
 * own, and one whose END section completes the block without every page having arrived.
 */
public final class RamDeviceProvider implements MigrationDeviceProvider {

    /** Cheap: all work happens in {@link #create}. */
    public RamDeviceProvider() {
    }

    @Override
    public String type() {
        return "ram";
    }

    @Override
    public ApiVersion apiVersion() {
        return new ApiVersion(ApiVersion.MAJOR, ApiVersion.MINOR);
    }

    @Override
    public String description() {
        return "guest RAM with dirty logging and a workload generator (size, working-set, dirty-rate, pattern, "
                + "fill, file, seed, block, prealloc)";
    }

    /**
     * Allocates (or maps) and fills the memory; the returned device is {@link AutoCloseable} and
     * should be closed to free it.
     *
     * @throws IllegalArgumentException naming the device and property for any bad value, or when
     *                                  the memory can not be allocated or the file mapped
     */
    @Override
    public MigrationDevice create(DeviceContext context) {
        return RamDevice.create(context);
    }
}
