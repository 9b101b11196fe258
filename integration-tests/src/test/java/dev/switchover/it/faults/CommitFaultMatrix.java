package dev.switchover.it.faults;

import dev.switchover.it.Machines;
import dev.switchover.it.faults.FaultProxy.Direction;
import dev.switchover.it.faults.FaultProxy.Fault;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The process-level fault matrix of the commit protocol (docs/commit-protocol.md, issue 11): two
 * {@code switchover run} processes migrate through a {@link FaultProxy} that breaks the link at
 * each step of the protocol — mid pre-copy, mid stop-copy, the LOADED message, the COMMIT record,
 * the acknowledgement (SHUT 0) — by closing it, resetting it, silently dropping one direction
 * or (mid pre-copy) no longer reading it.
 *
 * <p>Every case checks the guarantee, not a timing: a background poller asks both machines'
 * {@code query-status} throughout and never sees both {@code running}; both sides reach a terminal
 * status (bounded by {@code x-stall-timeout} / {@code x-switchover-timeout}, which the test's
 * timeout only backstops); whichever side runs at the end holds the state the source had when it
 * stopped; each side's {@code error-desc} names the real cause (the link, a stall, a timeout),
 * never a device; and where COMMIT was sent but not acknowledged, the source stays {@code
 * postmigrate} with {@code failed} and says the destination's state is unknown.
 *
 * <p>The machines are small (16 MiB RAM, a 16 MiB stop-copy-heavy vfio device whose last 12 MiB
 * can only move while the source is stopped) so that the whole matrix runs in about two minutes.
 * A real link taken down (network namespaces, veth) is {@link VethLinkDownIT}. The matrix found two engine
 * bugs, both fixed: a destination that blamed the device it was reading for a closed or reset link,
 * and a source that stayed {@code failing} when a stall was detected between passes.
 *
 * <p>The windows are split over two classes, {@link CommitFaultMatrixBeforeLoadIT} and {@link
 * CommitFaultMatrixAfterLoadIT}, so that two test JVMs run the halves side by side; each declares a
 * static {@code matrix()} that picks its windows with {@link #casesFor}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS) // two JVMs and a 1 s stall bound per side
abstract class CommitFaultMatrix {

    private static final String SRC_RAM = "ram,id=ram0,size=16M,fill=random";
    private static final String DST_RAM = "ram,id=ram0,size=16M";
    /** 4 MiB readable in pre-copy, 12 MiB only in stop-copy: the stream's last 12 MiB follow the stop. */
    private static final String VFIO = "vfio,id=vfio0,state-size=16M,precopy-size=4M";
    private static final long STALL_MS = 1000;

    /** Stream command COMMIT, source → destination (docs/commit-protocol.md, "Messages"). */
    private static final byte[] COMMIT = {0x08, 0x7f, 0x01, 0x00, 0x00};
    /** Return-path message LOADED, destination → source. */
    private static final byte[] LOADED = {0x7f, 0x02, 0x00, 0x00};
    /** Return-path message SHUT 0: the destination's acknowledgement of COMMIT. */
    private static final byte[] SHUT_0 = {0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00};

    /** What each case saw, for the summary printed after the matrix. */
    private static final Map<String, String> OUTCOMES = new ConcurrentSkipListMap<>();

    /** The protocol step at which the link breaks. */
    enum Window {
        /** 4 MiB into a bandwidth-limited pre-copy that cannot converge yet. */
        PRE_COPY,
        /** 26 MiB into the stream: inside the 12 MiB only the stopped source can send. */
        STOP_COPY,
        /** The LOADED message itself never reaches the source. */
        LOADED,
        /** After LOADED, the COMMIT record never reaches the destination. */
        COMMIT,
        /** After COMMIT, the acknowledgement (SHUT 0) never reaches the source. */
        ACK
    }

    /** Which side holds the machine at the end, as docs/commit-protocol.md says. */
    enum Outcome {
        /** The source resumed with its state; the destination discarded and never ran. */
        SOURCE_RUNS,
        /** COMMIT sent, never arrived: the source stays postmigrate ("unknown"), the destination never runs. */
        NEITHER_RUNS,
        /** COMMIT arrived, its acknowledgement did not: the destination runs, the source stays postmigrate. */
        DESTINATION_RUNS
    }

    /** The cases of the given windows: each fault in the window's natural direction, and two more mid pre-copy. */
    static Stream<Arguments> casesFor(Window... windows) {
        List<Arguments> cases = new ArrayList<>();
        for (Window w : windows) {
            Direction natural = switch (w) {
                case PRE_COPY, STOP_COPY, COMMIT -> Direction.UPSTREAM;
                case LOADED, ACK -> Direction.DOWNSTREAM;
            };
            cases.add(Arguments.of(w, Fault.CLOSE, natural));
            cases.add(Arguments.of(w, Fault.RESET, natural));
            cases.add(Arguments.of(w, Fault.BLACKHOLE, natural));
            if (w == Window.PRE_COPY) {
                // the return path lost while the stream still flows: PONGs, then LOADED, vanish
                cases.add(Arguments.of(w, Fault.BLACKHOLE, Direction.DOWNSTREAM));
                // a link that stops carrying bytes as a real one does: the source's writes block
                cases.add(Arguments.of(w, Fault.STALL, Direction.UPSTREAM));
            }
        }
        return cases.stream();
    }

    @RegisterExtension
    final Machines machines = new Machines(Machines.QUICK_JVM);

    @AfterAll
    static void printMatrix() {
        StringBuilder b = new StringBuilder("commit fault matrix:\n");
        OUTCOMES.forEach((k, v) -> b.append("  ").append(k).append(" -> ").append(v).append('\n'));
        OUTCOMES.clear(); // the other half may run next in this JVM
        System.out.print(b);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("matrix")
    void theMachineRunsInAtMostOnePlaceAndTheOneThatRunsHoldsTheSourcesState(Window window, Fault fault,
                                                                              Direction direction) throws Exception {
        // "exit-on-error": false keeps a failed destination up, so that its status, reason and run
        // state can be asked after the source ended (with --incoming URI it would exit, as QEMU's does,
        // possibly before it is asked: IncomingExitOnErrorIT covers that exit)
        var dstStart = CompletableFuture.supplyAsync(() -> start("--device", DST_RAM, "--device", VFIO,
                "--incoming", "defer"));
        Machines.Handle src = start("--device", SRC_RAM, "--device", VFIO);
        Machines.Handle dst = dstStart.join();
        Map<String, String> atStop = src.qmp().stateDigests(); // nothing dirties: the state at the stop

        dst.qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS));
        assertThat(dst.qmp().queryParameters().stallTimeoutMs()).as("the destination's x-stall-timeout")
                .isEqualTo(STALL_MS);
        String incoming = Machines.listenStayingUp(dst.qmp());
        FaultProxy proxy = FaultProxy.toMigrationUri(incoming);
        machines.closeAfter(proxy);
        if (window == Window.PRE_COPY) {
            // 12 MiB that only stop-copy can send at a switchover bandwidth of 16 MiB/s: never
            // within 300 ms, so the cut at 4 MiB is inside pre-copy
            src.qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS,
                    "max-bandwidth", 16L << 20, "avail-switchover-bandwidth", 16L << 20, "downtime-limit", 300L));
        } else {
            src.qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS,
                    "max-bandwidth", 0L, "downtime-limit", 1000L));
        }
        arm(proxy, window, fault, direction);

        try (BothRunningPoller poller = new BothRunningPoller(src.qmp(), dst.qmp())) {
            src.qmp().migrate(proxy.uri());
            MigrationInfo srcEnd = awaitTerminal("source", src.qmp(), src, dst);
            MigrationInfo dstEnd = awaitTerminal("destination", dst.qmp(), src, dst);
            RunState srcState = src.qmp().queryStatus();
            RunState dstState = dst.qmp().queryStatus();
            poller.stopAndCheck();
            Outcome expected = expected(window);
            String seen = "source " + srcEnd.status().map(MigrationStatus::qmpName).orElse("?") + "/"
                    + srcState.qmpName() + " \"" + srcEnd.errorDesc().orElse("") + "\"; destination "
                    + dstEnd.status().map(MigrationStatus::qmpName).orElse("?") + "/" + dstState.qmpName() + " \""
                    + dstEnd.errorDesc().orElse("") + "\"";
            OUTCOMES.put(window.ordinal() + " " + window + " " + fault + " " + direction, seen);

            assertThat(proxy.hasFired()).as("the fault was injected; " + seen).isTrue();
            assertThat(srcEnd.status()).as(seen).contains(MigrationStatus.FAILED);
            assertReasonNamesTheLink("source", srcEnd, seen);
            switch (expected) {
                case SOURCE_RUNS -> {
                    assertThat(srcState).as(seen).isEqualTo(RunState.RUNNING);
                    assertThat(src.qmp().stateDigests()).as("the resumed source's state").isEqualTo(atStop);
                    assertThat(dstEnd.status()).as(seen).contains(MigrationStatus.FAILED);
                    assertThat(dstState).as(seen).isNotEqualTo(RunState.RUNNING);
                    assertReasonNamesTheLink("destination", dstEnd, seen);
                }
                case NEITHER_RUNS -> {
                    assertSourceSaysUnknown(srcState, srcEnd, seen);
                    assertThat(dstEnd.status()).as(seen).contains(MigrationStatus.FAILED);
                    assertThat(dstState).as(seen).isNotEqualTo(RunState.RUNNING);
                    assertReasonNamesTheLink("destination", dstEnd, seen);
                }
                case DESTINATION_RUNS -> {
                    assertSourceSaysUnknown(srcState, srcEnd, seen);
                    assertThat(dstEnd.status()).as(seen).contains(MigrationStatus.COMPLETED);
                    assertThat(dstState).as(seen).isEqualTo(RunState.RUNNING);
                    assertThat(dst.qmp().stateDigests()).as("the destination holds the source's state")
                            .isEqualTo(atStop);
                }
            }
        }
    }

    private static Outcome expected(Window w) {
        return switch (w) {
            case PRE_COPY, STOP_COPY, LOADED -> Outcome.SOURCE_RUNS;
            case COMMIT -> Outcome.NEITHER_RUNS;
            case ACK -> Outcome.DESTINATION_RUNS;
        };
    }

    private static void arm(FaultProxy proxy, Window window, Fault fault, Direction direction) {
        FaultProxy.Then trigger = switch (window) {
            case PRE_COPY -> proxy.at(Direction.UPSTREAM).afterBytes(4L << 20);
            case STOP_COPY -> proxy.at(Direction.UPSTREAM).afterBytes(26L << 20);
            case LOADED -> proxy.at(Direction.DOWNSTREAM).beforePattern(LOADED, 1);
            case COMMIT -> proxy.at(Direction.UPSTREAM).beforePattern(COMMIT, 1);
            case ACK -> proxy.at(Direction.DOWNSTREAM).beforePattern(SHUT_0, 1);
        };
        trigger.then(fault, direction);
    }

    static void assertSourceSaysUnknown(RunState srcState, MigrationInfo srcEnd, String seen) {
        assertThat(srcState).as("COMMIT was sent: the source never resumes on its own; " + seen)
                .isEqualTo(RunState.POSTMIGRATE);
        assertThat(srcEnd.errorDesc()).as(seen).hasValueSatisfying(e -> assertThat(e).contains("state is unknown"));
    }

    /** The reason is the link (closed, reset, stalled, timed out), never a device's. */
    static void assertReasonNamesTheLink(String side, MigrationInfo end, String seen) {
        assertThat(end.errorDesc()).as(side + " error-desc; " + seen).hasValueSatisfying(e -> {
            assertThat(e.toLowerCase()).containsAnyOf("stall", "timeout", "closed", "reset", "connection",
                    "broken pipe", "end of the stream", "state is unknown");
            assertThat(e).as(side + " blames a device for a broken link; " + seen)
                    .doesNotContain("device 'ram0'", "device 'vfio0'", "ram0 ", "vfio0 ");
        });
    }

    /**
     * Polls {@code query-migrate} on {@code qmp} until a terminal status. The bound is a backstop
     * far above the protocol's own (1 s stall, 5 s switchover), there only so that a side that
     * never ends is reported with both sides' last answers rather than as a bare test timeout.
     */
    static MigrationInfo awaitTerminal(String side, QmpClient qmp, Machines.Handle src, Machines.Handle dst) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (true) {
            MigrationInfo info = qmp.queryMigrate();
            if (info.status().map(s -> s.isTerminal() && s != MigrationStatus.NONE).orElse(false)) {
                return info;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the " + side + " never reached a terminal status: source "
                        + src.qmp().queryStatus().qmpName() + " " + src.qmp().queryMigrate() + "; destination "
                        + dst.qmp().queryStatus().qmpName() + " " + dst.qmp().queryMigrate());
            }
            Thread.sleep(20);
        }
    }

    private Machines.Handle start(String... runArgs) {
        try {
            return machines.start(List.of(runArgs));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("could not start a machine", e);
        }
    }
}
