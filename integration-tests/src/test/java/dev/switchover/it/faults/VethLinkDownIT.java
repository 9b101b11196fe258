package dev.switchover.it.faults;

import static dev.switchover.it.faults.CommitFaultMatrix.assertReasonNamesTheLink;
import static dev.switchover.it.faults.CommitFaultMatrix.awaitTerminal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchover.it.Machines;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The commit protocol over a real link that dies: the destination runs in its own network
 * namespace, joined to the host by a veth pair, and the host's end is taken down — no FIN, no
 * RST, the packets just stop, as when a cable is pulled. Each side can learn it only from its own
 * {@code x-stall-timeout} / {@code x-switchover-timeout}; the guarantee is the fault matrix's: never
 * both running, the source resumes with its state when the link dies before COMMIT, the destination
 * discards, and both name the link.
 *
 * <p>Needs root and {@code ip netns}; skipped with the reason otherwise.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VethLinkDownIT {

    private static final String SRC_RAM = "ram,id=ram0,size=16M,fill=random";
    private static final String DST_RAM = "ram,id=ram0,size=16M";
    private static final String VFIO = "vfio,id=vfio0,state-size=16M,precopy-size=4M";
    private static final long STALL_MS = 1000;
    private static final int PORT = 4444; // the namespace is new: every port in it is free

    @RegisterExtension
    final Machines machines = new Machines(Machines.QUICK_JVM);
    private VethLink link;

    @BeforeEach
    void link() throws Exception {
        Optional<String> why = VethLink.unavailableBecause();
        assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElseThrow());
        link = VethLink.create();
    }

    @AfterEach
    void removeLink() {
        if (link != null) {
            link.close();
        }
    }

    @Test
    void aLinkThatDiesMidPreCopyLeavesTheSourceRunningWithItsStateAndTheDestinationDiscarding() throws Exception {
        Sides s = start();
        // 12 MiB that only stop-copy moves, at a switchover bandwidth of 8 MiB/s: 1.5 s, never within 300 ms
        s.src().qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS,
                "max-bandwidth", 8L << 20, "avail-switchover-bandwidth", 8L << 20, "downtime-limit", 300L));
        Map<String, String> atStart = s.src().qmp().stateDigests();

        try (BothRunningPoller poller = new BothRunningPoller(s.src().qmp(), s.dst().qmp())) {
            s.src().qmp().migrate(s.uri());
            Machines.await(s.src().qmp(), Duration.ofSeconds(60), i -> i.ram()
                    .map(r -> r.transferred() >= (2L << 20)).orElse(false));
            link.down();

            MigrationInfo srcEnd = awaitTerminal("source", s.src().qmp(), s.src(), s.dst());
            MigrationInfo dstEnd = awaitTerminal("destination", s.dst().qmp(), s.src(), s.dst());
            poller.stopAndCheck();
            String seen = seen(srcEnd, dstEnd);
            assertThat(srcEnd.status()).as(seen).contains(MigrationStatus.FAILED);
            assertThat(s.src().qmp().queryStatus()).as(seen).isEqualTo(RunState.RUNNING);
            assertThat(s.src().qmp().stateDigests()).as("the source's state, nothing lost").isEqualTo(atStart);
            assertReasonNamesTheLink("source", srcEnd, seen);
            assertThat(dstEnd.status()).as(seen).contains(MigrationStatus.FAILED);
            assertThat(s.dst().qmp().queryStatus()).as(seen).isNotEqualTo(RunState.RUNNING);
            assertReasonNamesTheLink("destination", dstEnd, seen);
        }
    }

    @Test
    void aLinkThatDiesWhileTheGuestIsStoppedResumesTheSourceAndTheDestinationNeverRuns() throws Exception {
        Sides s = start();
        s.src().qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS,
                "x-switchover-timeout", 2000L, "max-bandwidth", 0L, "downtime-limit", 1000L));
        s.src().qmp().setCapability(MigrationCapability.PAUSE_BEFORE_SWITCHOVER, true);

        try (BothRunningPoller poller = new BothRunningPoller(s.src().qmp(), s.dst().qmp())) {
            s.src().qmp().migrate(s.uri());
            Machines.await(s.src().qmp(), Duration.ofSeconds(60),
                    i -> i.status().orElse(null) == MigrationStatus.PRE_SWITCHOVER);
            Map<String, String> atStop = s.src().qmp().stateDigests(); // stopped: nothing changes from here
            link.down();
            s.src().qmp().execute("migrate-continue", Map.of("state", "pre-switchover"));

            MigrationInfo srcEnd = awaitTerminal("source", s.src().qmp(), s.src(), s.dst());
            MigrationInfo dstEnd = awaitTerminal("destination", s.dst().qmp(), s.src(), s.dst());
            poller.stopAndCheck();
            String seen = seen(srcEnd, dstEnd);
            assertThat(srcEnd.status()).as(seen).contains(MigrationStatus.FAILED);
            assertThat(s.src().qmp().queryStatus()).as("no COMMIT was sent: the source resumes; " + seen)
                    .isEqualTo(RunState.RUNNING);
            assertThat(s.src().qmp().stateDigests()).as("the resumed source's state").isEqualTo(atStop);
            assertReasonNamesTheLink("source", srcEnd, seen);
            assertThat(dstEnd.status()).as(seen).contains(MigrationStatus.FAILED);
            assertThat(s.dst().qmp().queryStatus()).as(seen).isNotEqualTo(RunState.RUNNING);
            assertReasonNamesTheLink("destination", dstEnd, seen);
        }
    }

    private static String seen(MigrationInfo src, MigrationInfo dst) {
        String seen = "source " + src.status().map(MigrationStatus::qmpName).orElse("?") + " \""
                + src.errorDesc().orElse("") + "\"; destination " + dst.status().map(MigrationStatus::qmpName)
                .orElse("?") + " \"" + dst.errorDesc().orElse("") + "\"";
        System.out.println("veth link down: " + seen);
        return seen;
    }

    private record Sides(Machines.Handle src, Machines.Handle dst, String uri) {
    }

    /** A source on the host and a destination in the namespace listening on the link. */
    private Sides start() throws Exception {
        Machines.Handle dst = machines.startUnder(link.launcher(), List.of("--device", DST_RAM, "--device", VFIO,
                "--incoming", "defer"));
        Machines.Handle src = machines.start(List.of("--device", SRC_RAM, "--device", VFIO));
        dst.qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS));
        String uri = "tcp:" + link.peerAddress() + ":" + PORT;
        // exit-on-error off: the failed destination stays up to be asked (see CommitFaultMatrix)
        dst.qmp().execute("migrate-incoming", Map.of("uri", uri, "exit-on-error", false));
        return new Sides(src, dst, uri);
    }
}
