package dev.switchover.it.faults;

import dev.switchover.it.Machines;
import dev.switchover.it.faults.FaultProxy.Direction;
import dev.switchover.it.faults.FaultProxy.Fault;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.Authority;
import dev.switchover.testfixtures.TestCertificates.KeyForm;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The commit protocol's guarantees hold inside TLS: two {@code switchover run} processes migrate
 * with {@code tls-creds-x509} through a {@link FaultProxy} that breaks the encrypted link — in
 * pre-copy, and at the switchover. The proxy can not read the records, so the switchover is found
 * from outside: the source waits in {@code pre-switchover} (capability {@code
 * pause-before-switchover}) with everything before the stop sent; then the first bytes the
 * destination sends back (LOADED, or a reply that comes before it) make the proxy drop the
 * stream from then on, and the source is let go with {@code migrate-continue}. As in {@link
 * CommitFaultMatrix}: never both running; the destination never runs without COMMIT; the
 * source resumes with its state when LOADED did not reach it, and stays {@code postmigrate}
 * saying the destination's state is unknown when it did — COMMIT was then sent into the drop.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS) // two JVMs and a 1 s stall bound per side
class TlsCommitFaultIT {

    private static final String SRC_RAM = "ram,id=ram0,size=16M,fill=random";
    private static final String DST_RAM = "ram,id=ram0,size=16M";
    private static final String VFIO = "vfio,id=vfio0,state-size=16M,precopy-size=4M";
    private static final long STALL_MS = 1000;
    private static final String SOURCE_DN = "CN=src.example,O=Switchover tests";

    /** Where the encrypted link breaks. */
    enum Window {
        /** 4 MiB into a bandwidth-limited pre-copy, closed: the source resumes. */
        PRE_COPY,
        /** The stream dropped from the destination's first reply after the stop: COMMIT never arrives. */
        SWITCHOVER
    }

    @RegisterExtension
    final Machines machines = new Machines(Machines.QUICK_JVM);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Window.class)
    void theGuaranteesOfThePlainMatrixHoldInsideTls(Window window) throws Exception {
        Authority ca = TestCertificates.authority("Switchover fault CA");
        Path serverDir = ca.writeServerDir(machines.dir().resolve("server"), ca.server("127.0.0.1"), KeyForm.PKCS8);
        Path clientDir = ca.writeClientDir(machines.dir().resolve("client"), ca.client(SOURCE_DN), KeyForm.PKCS8);
        var dstStart = CompletableFuture.supplyAsync(() -> start("--device", DST_RAM, "--device", VFIO,
                "--incoming", "defer", "--object", "tls-creds-x509,id=tls0,endpoint=server,dir=" + serverDir));
        Machines.Handle src = start("--device", SRC_RAM, "--device", VFIO,
                "--object", "tls-creds-x509,id=tls0,endpoint=client,dir=" + clientDir);
        Machines.Handle dst = dstStart.join();
        Map<String, String> atStop = src.qmp().stateDigests(); // nothing dirties: the state at the stop

        dst.qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS, "tls-creds", "tls0"));
        FaultProxy proxy = machines.closeAfter(FaultProxy.toMigrationUri(Machines.listenStayingUp(dst.qmp())));
        if (window == Window.PRE_COPY) {
            // 12 MiB that only stop-copy can send at 16 MiB/s never fit 300 ms: the cut at 4 MiB is in pre-copy
            src.qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS, "tls-creds", "tls0",
                    "max-bandwidth", 16L << 20, "avail-switchover-bandwidth", 16L << 20, "downtime-limit", 300L));
            proxy.at(Direction.UPSTREAM).afterBytes(4L << 20).then(Fault.CLOSE);
        } else {
            src.qmp().execute("migrate-set-parameters", Map.of("x-stall-timeout", STALL_MS, "tls-creds", "tls0",
                    "max-bandwidth", 0L, "downtime-limit", 5000L));
            src.qmp().setCapability(MigrationCapability.PAUSE_BEFORE_SWITCHOVER, true);
        }

        try (BothRunningPoller poller = new BothRunningPoller(src.qmp(), dst.qmp())) {
            src.qmp().migrate(proxy.uri());
            if (window == Window.SWITCHOVER) {
                Machines.await(src.qmp(), Duration.ofSeconds(60),
                        i -> i.status().orElse(MigrationStatus.NONE) == MigrationStatus.PRE_SWITCHOVER);
                long returned = proxy.forwarded(Direction.DOWNSTREAM);
                proxy.at(Direction.DOWNSTREAM).afterBytes(returned + 1).then(Fault.BLACKHOLE, Direction.UPSTREAM);
                src.qmp().execute("migrate-continue", Map.of("state", "pre-switchover"));
            }
            MigrationInfo srcEnd = CommitFaultMatrix.awaitTerminal("source", src.qmp(), src, dst);
            MigrationInfo dstEnd = CommitFaultMatrix.awaitTerminal("destination", dst.qmp(), src, dst);
            RunState srcState = src.qmp().queryStatus();
            RunState dstState = dst.qmp().queryStatus();
            poller.stopAndCheck();
            String seen = "source " + srcEnd.status().map(MigrationStatus::qmpName).orElse("?") + "/"
                    + srcState.qmpName() + " \"" + srcEnd.errorDesc().orElse("") + "\"; destination "
                    + dstEnd.status().map(MigrationStatus::qmpName).orElse("?") + "/" + dstState.qmpName() + " \""
                    + dstEnd.errorDesc().orElse("") + "\"";

            assertThat(proxy.hasFired()).as("the fault was injected; " + seen).isTrue();
            assertThat(srcEnd.status()).as(seen).contains(MigrationStatus.FAILED);
            CommitFaultMatrix.assertReasonNamesTheLink("source", srcEnd, seen);
            boolean sourceResumes = window == Window.PRE_COPY || srcState != RunState.POSTMIGRATE;
            if (sourceResumes) {
                assertThat(srcState).as(seen).isEqualTo(RunState.RUNNING);
                assertThat(src.qmp().stateDigests()).as("the resumed source's state").isEqualTo(atStop);
            } else {
                CommitFaultMatrix.assertSourceSaysUnknown(srcState, srcEnd, seen);
            }
            assertThat(dstEnd.status()).as(seen).contains(MigrationStatus.FAILED);
            assertThat(dstState).as(seen).isNotEqualTo(RunState.RUNNING);
            CommitFaultMatrix.assertReasonNamesTheLink("destination", dstEnd, seen);
            System.out.println("TLS fault " + window + ": " + seen);
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
