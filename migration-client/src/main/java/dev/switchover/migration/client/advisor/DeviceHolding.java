package dev.switchover.migration.client.advisor;

import dev.switchover.migration.api.ByteSize;
import dev.switchover.migration.api.DeviceReport;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A device holding data a migration still has to send, as named by a "can not converge"
 * verdict: its stop-copy bytes (which only downtime can move) and its total.
 *
 * @param id       the device id ({@code vfio0})
 * @param type     the device type ({@code vfio})
 * @param stopcopy bytes it can send only while the machine is stopped
 * @param total    all bytes it still has to send
 *
 * @since 0.1
 */
public record DeviceHolding(String id, String type, long stopcopy, long total) {

    private static final Comparator<DeviceHolding> LARGEST_FIRST = Comparator
            .comparingLong(DeviceHolding::stopcopy).reversed()
            .thenComparing(Comparator.comparingLong(DeviceHolding::total).reversed())
            .thenComparing(DeviceHolding::id);

    public DeviceHolding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        if (stopcopy < 0 || total < 0) {
            throw new IllegalArgumentException("device " + id + " can not hold negative bytes: stopcopy=" + stopcopy
                    + ", total=" + total);
        }
    }

    /**
     * The devices holding the most data, stop-copy bytes first (they are what downtime must
     * carry), then total; devices with nothing left are not named.
     *
     * @param reports {@code x-query-migrate-devices}
     * @param limit   at most this many
     */
    public static List<DeviceHolding> largest(List<DeviceReport> reports, int limit) {
        return reports.stream()
                .map(r -> new DeviceHolding(r.id(), r.type(), r.pending().stopcopy(), r.pending().total()))
                .filter(d -> d.total() > 0)
                .sorted(LARGEST_FIRST)
                .limit(Math.max(0, limit))
                .toList();
    }

    /** E.g. {@code vfio0 (vfio): 384 MiB stop-copy of 385 MiB}. */
    public String describe() {
        return id + " (" + type + "): " + ByteSize.format(stopcopy) + " stop-copy of " + ByteSize.format(total);
    }
}
