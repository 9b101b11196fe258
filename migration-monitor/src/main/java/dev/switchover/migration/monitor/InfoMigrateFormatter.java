package dev.switchover.migration.monitor;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationRamStats;
import dev.switchover.migration.api.MigrationStatus;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * HMP {@code info migrate}, in the layout of QEMU's {@code hmp_info_migrate} after the 2026
 * series (one {@code Remaining:} line between {@code Time (ms):} and {@code RAM info:}):
 *
 * <pre>
 * Status: \t\tactive
 * Time (ms): \t\ttotal=21140, setup=86, exp_down=420
 * Remaining: \t\t1.21 GiB
 * RAM info:
 *   Throughput (Mbps): \t967.98
 *   Sizes: \t\tpagesize=4 KiB, total=4 GiB
 *   Transfers: \t\ttransferred=2.29 GiB, remain=4.7 MiB
 *     Channels: \t\tprecopy=1.91 GiB, multifd=0 B, postcopy=0 B, vfio=387 MiB
 *     Page Types: \tnormal=499427, zero=559708
 *   Page Rates (pps): \ttransfer=0, dirty=1892
 *   Others: \t\tdirty_syncs=3
 * </pre>
 *
 * <p>QEMU's conditions are kept exactly: nothing at all before any migration; {@code (desc)}
 * after the status only when failed; the {@code Time} line only when {@code total-time} is
 * present and non-zero, with {@code setup}, {@code exp_down}, {@code down} each only when
 * present; {@code Remaining:} only when present; the RAM block only with {@code ram};
 * {@code vfio=} only with {@code vfio}; {@code dirty=} only when non-zero;
 * {@code postcopy_req}, {@code downtime_bytes}, {@code zerocopy_fallbacks} only when non-zero.
 * Sizes use {@link ByteSize#format} ({@code size_to_str}); integers print unsigned
 * ({@code PRIu64}); {@code mbps} prints as C's {@code %0.2f}. Every line ends with {@code \n}.
 *
 * <p>Stateless and thread-safe.
 */
public final class InfoMigrateFormatter {

    private InfoMigrateFormatter() {
    }

    /** The {@code info migrate} text for {@code info}. */
    public static String format(MigrationInfo info) {
        StringBuilder sb = new StringBuilder();
        if (info.status().isPresent()) {
            MigrationStatus status = info.status().get();
            sb.append("Status: \t\t").append(status.qmpName());
            if (status == MigrationStatus.FAILED && info.errorDesc().isPresent()) {
                sb.append(" (").append(info.errorDesc().get()).append(')');
            }
            sb.append('\n');
            if (info.totalTime().orElse(0) != 0) {
                sb.append("Time (ms): \t\ttotal=").append(u64(info.totalTime().getAsLong()));
                info.setupTime().ifPresent(v -> sb.append(", setup=").append(u64(v)));
                info.expectedDowntime().ifPresent(v -> sb.append(", exp_down=").append(u64(v)));
                info.downtime().ifPresent(v -> sb.append(", down=").append(u64(v)));
                sb.append('\n');
            }
        }
        info.remaining().ifPresent(v -> sb.append("Remaining: \t\t").append(ByteSize.format(v)).append('\n'));
        info.ram().ifPresent(ram -> appendRam(sb, ram, info));
        return sb.toString();
    }

    private static void appendRam(StringBuilder sb, MigrationRamStats ram, MigrationInfo info) {
        sb.append("RAM info:\n");
        sb.append("  Throughput (Mbps): \t").append(cFixed2(ram.mbps())).append('\n');
        sb.append("  Sizes: \t\tpagesize=").append(ByteSize.format(ram.pageSize()))
                .append(", total=").append(ByteSize.format(ram.total())).append('\n');
        sb.append("  Transfers: \t\ttransferred=").append(ByteSize.format(ram.transferred()))
                .append(", remain=").append(ByteSize.format(ram.remaining())).append('\n');
        sb.append("    Channels: \t\tprecopy=").append(ByteSize.format(ram.precopyBytes()))
                .append(", multifd=").append(ByteSize.format(ram.multifdBytes()))
                .append(", postcopy=").append(ByteSize.format(ram.postcopyBytes()));
        info.vfioTransferred().ifPresent(v -> sb.append(", vfio=").append(ByteSize.format(v)));
        sb.append('\n');
        sb.append("    Page Types: \tnormal=").append(u64(ram.normal()))
                .append(", zero=").append(u64(ram.duplicate())).append('\n');
        sb.append("  Page Rates (pps): \ttransfer=").append(u64(ram.pagesPerSecond()));
        if (ram.dirtyPagesRate() != 0) {
            sb.append(", dirty=").append(u64(ram.dirtyPagesRate()));
        }
        sb.append('\n');
        sb.append("  Others: \t\tdirty_syncs=").append(u64(ram.dirtySyncCount()));
        if (ram.postcopyRequests() != 0) {
            sb.append(", postcopy_req=").append(u64(ram.postcopyRequests()));
        }
        if (ram.downtimeBytes() != 0) {
            sb.append(", downtime_bytes=").append(u64(ram.downtimeBytes()));
        }
        if (ram.dirtySyncMissedZeroCopy() != 0) {
            sb.append(", zerocopy_fallbacks=").append(u64(ram.dirtySyncMissedZeroCopy()));
        }
        sb.append('\n');
    }

    private static String u64(long v) {
        return Long.toUnsignedString(v);
    }

    /**
     * C's {@code %0.2f}: the exact binary value rounded half-to-even (glibc), which differs
     * from {@link String#format} on exact ties such as 0.125.
     */
    static String cFixed2(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(v).setScale(2, RoundingMode.HALF_EVEN).toPlainString();
        if (v < 0 || (v == 0 && 1 / v < 0)) {
            return s.startsWith("-") ? s : "-" + s;
        }
        return s;
    }
}
