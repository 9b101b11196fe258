package dev.switchover.it;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Management software's simplest input (issue 14): idle RAM with nothing but zero pages and a
 * VFIO device whose state is all stop-copy, so no window ever carries bulk data. The link probe
 * gives a bandwidth anyway: {@code expected-downtime} appears while the limit holds the
 * switchover back, and raising {@code downtime-limit} to it lets the migration finish. Two
 * processes over loopback; no duration is asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // two JVMs: longer than the 60 s default
class IdleStopCopyDowntimeIT {

    private static final String VFIO = "vfio,id=vfio0,state-size=16M,precopy-size=0";

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void expectedDowntimeAppearsWithoutBulkTrafficAndALimitRaisedToItLetsTheMigrationFinish() throws Exception {
        var dst = machines.destination("ram,id=ram0,size=16M", VFIO + ",seed=2");
        var src = machines.source("ram,id=ram0,size=16M", VFIO);
        src.qmp().execute("migrate-set-parameters", Map.of("downtime-limit", 1L, "max-bandwidth", 0L));

        src.qmp().migrate(dst.process().incomingUri());
        // expected-downtime is there from the first 'active' reply (at the limit, as QEMU starts it);
        // a switchover bandwidth, which only the probe can measure here, makes it a prediction
        MigrationInfo held = Machines.await(src.qmp(), Duration.ofSeconds(60),
                i -> i.status().orElse(null) == MigrationStatus.ACTIVE && i.switchoverBandwidth().isPresent()
                        && i.pending().map(p -> p.precopy() == 0 && p.stopcopy() > 0).orElse(false));
        assertThat(held.expectedDowntime().getAsLong()).as("a prediction, not the limit it starts at")
                .isGreaterThan(1);
        assertThat(held.remaining().getAsLong()).isGreaterThan(held.thresholdBytes().getAsLong());

        // the prediction moves by a millisecond or so between passes (each device's last EXACT query
        // is part of the fixed cost), so the limit gets that much head-room over the figure read
        long expected = held.expectedDowntime().getAsLong();
        src.qmp().execute("migrate-set-parameters", Map.of("downtime-limit", expected + Math.max(5, expected / 10)));
        MigrationInfo done = Machines.awaitEnd(src.qmp());

        assertThat(done.status()).contains(MigrationStatus.COMPLETED);
        assertThat(done.predictedDowntime()).isPresent();
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
    }
}
