package dev.switchover.it;

import org.junit.jupiter.api.Timeout;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management use case the pending-data series was written for, end to end through the
 * command line: RAM under load plus a VFIO device whose stop-copy state (64 MiB) can not fit
 * the default 300 ms limit at the switchover bandwidth the test pins (32 MiB/s, so about 2 s of
 * downtime is needed and the threshold is about 10 MiB). {@code switchover migrate} runs in its
 * own JVM against the two machine processes; only its convergence advisor can make it converge.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // two or more JVMs: longer than the 60 s default
class ConvergenceAdvisorIT {

    private static final String VFIO = "vfio,id=vfio0,state-size=96M,precopy-size=32M";
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(180);

    @RegisterExtension
    final Machines machines = new Machines();
    private Machines.Handle src;
    private Machines.Handle dst;

    @BeforeEach
    void start() throws Exception {
        dst = machines.destination("ram,id=ram0,size=64M", VFIO + ",seed=2");
        src = machines.source("ram,id=ram0,size=64M,fill=random,working-set=4M,dirty-rate=8M", VFIO);
    }

    @AfterEach
    void stop() {
        quit(src);
        quit(dst);
        machines.close();
    }

    /** Asks a machine to quit, so closing it does not wait for it to time out. */
    static void quit(Machines.Handle m) {
        if (m == null) {
            return;
        }
        try {
            m.qmp().execute("quit");
        } catch (Exception e) {
            // it may close the connection before it answers, or be gone already
        }
    }

    private SwitchoverCli.Result migrate(String name, String maxDowntime) throws Exception {
        SwitchoverCli.Result r = SwitchoverCli.run(machines.dir(), name, CLI_TIMEOUT, "", "migrate",
                "--source", src.process().qmpAddress(), "--destination", dst.process().qmpAddress(),
                "--uri", dst.process().incomingUri(), "--max-bandwidth", "0", "--avail-switchover-bandwidth", "32M",
                "--max-downtime", maxDowntime);
        System.out.println(r); // kept in the failsafe report's output file
        return r;
    }

    @Test
    void aStalledRamAndStopCopyMigrationConvergesBecauseTheAdvisorRaisesTheLimit() throws Exception {
        SwitchoverCli.Result r = migrate("converges", "5s");

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).as("%s", r).contains("advisor: pass ", "stalled (", "raising downtime-limit from 300 ms to ")
                .contains("migration completed in ").doesNotContain("cannot converge");
        long limit = src.qmp().queryParameters().downtimeLimitMs();
        assertThat(limit).as("the limit the advisor set").isBetween(1500L, 5000L);
        assertThat(src.qmp().queryMigrate().status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
    }

    @Test
    void aMigrationThatCanNotConvergeWithinTheMaximumIsCancelledAndTheDeviceNamed() throws Exception {
        SwitchoverCli.Result r = migrate("impossible", "100ms");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
        assertThat(r.err().lines()).as("%s", r).singleElement().asString()
                .startsWith("switchover migrate: cannot converge within --max-downtime 100 ms")
                .contains("vfio0 (vfio): 64 MiB stop-copy");
        assertThat(r.out()).contains("advisor: pass ", "vfio0");
        assertThat(src.qmp().queryMigrate().status()).contains(MigrationStatus.CANCELLED);
        assertThat(src.qmp().queryStatus()).as("the machine keeps running on the source").isEqualTo(RunState.RUNNING);
        assertThat(src.qmp().queryParameters().downtimeLimitMs()).isEqualTo(300);
    }
}
