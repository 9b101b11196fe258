package dev.switchover.it;

import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.client.QmpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The switchover controls of issue 11 between real processes: a destination started with
 * {@code -S} and {@code --incoming defer}; ready means ready (the incoming listener is up before
 * QMP answers); a QMP socket is never taken over; {@code migrate} from {@code postmigrate} refused.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // many JVMs: longer than the 60 s default
class SwitchoverControlsIT {

    private static final String SRC = "ram,id=ram0,size=16M,fill=random";
    private static final String DST = "ram,id=ram0,size=16M";

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void aDeferredPausedDestinationListensOnMigrateIncomingAndStaysPausedUntilCont() throws Exception {
        var dst = machines.start(List.of("--device", DST, "--incoming", "defer", "-S"));
        var src = machines.source(SRC);
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.INMIGRATE);
        String uri = Machines.freeLoopbackTcpUri();

        dst.qmp().execute("migrate-incoming", java.util.Map.of("uri", uri, "exit-on-error", false));
        assertThatThrownBy(() -> dst.qmp().migrateIncoming(uri)).isInstanceOf(QmpException.class)
                .hasMessageContaining("The incoming migration has already been started");
        src.qmp().migrate(uri);

        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().queryStatus()).as("-S: paused after the migration").isEqualTo(RunState.PAUSED);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
        dst.qmp().cont();
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
    }

    @Test
    void aSourceInPostmigrateRefusesASecondDestination() throws Exception {
        var dst = machines.destination(DST);
        var dst2 = machines.destination(DST);
        var src = machines.source(SRC);
        src.qmp().migrate(dst.process().incomingUri());
        assertThat(Machines.awaitEnd(src.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.POSTMIGRATE);

        assertThatThrownBy(() -> src.qmp().migrate(dst2.process().incomingUri())).isInstanceOf(QmpException.class)
                .hasMessageContaining("Can't migrate the vm that was paused due to previous migration");
        assertThatThrownBy(() -> dst2.qmp().migrate(dst.process().incomingUri())).isInstanceOf(QmpException.class)
                .hasMessageContaining("Guest is waiting for an incoming migration");
        assertThat(dst2.qmp().queryStatus()).isEqualTo(RunState.INMIGRATE);
    }

    /**
     * A client that migrates as soon as the destination's QMP answers — without waiting for any
     * ready line — never finds the incoming port closed, twice over (the listener is opened
     * before the monitor by construction; the repetition only varies the start-up interleaving).
     * The destinations are the runtime image's {@code bin/switchover}, as a user starts them.
     */
    @Test
    void aDestinationListensForItsMigrationBeforeItsMonitorAnswers() throws Exception {
        var src = machines.source(SRC);
        for (int i = 0; i < 2; i++) {
            String uri = Machines.freeLoopbackTcpUri();
            Path qmp = machines.dir().resolve("early" + i + ".qmp");
            Process p = SwitchoverCli.start(machines.dir(), "early" + i, "", "run", "--device", DST,
                    "--incoming", uri, "--qmp", "unix:" + qmp).process();
            try (QmpClient dst = connectAsSoonAsItAnswers("unix:" + qmp, p)) {
                src.qmp().migrate(uri);
                MigrationInfo end = Machines.awaitEnd(src.qmp());
                assertThat(end.status()).as("try %d: %s", i, end).contains(MigrationStatus.COMPLETED);
                assertThat(Machines.awaitEnd(dst).status()).contains(MigrationStatus.COMPLETED);
                try {
                    dst.execute("quit");
                } catch (IOException | QmpException gone) {
                    // quitting: the reply may not come
                }
            } finally {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
            src.qmp().cont(); // take the machine back for the next try
        }
    }

    @Test
    void aSecondMachineOnALiveMonitorSocketExitsNamingItAndTheFirstStaysReachable() throws Exception {
        var first = machines.source(SRC);
        Path live = Path.of(first.process().qmpAddress().substring("unix:".length()));

        SwitchoverCli.Result second = SwitchoverCli.run(machines.dir(), "second", Duration.ofSeconds(60), "",
                "run", "--device", DST, "--qmp", "unix:" + live);

        assertThat(second.exitCode()).as(second.toString()).isNotZero();
        assertThat(second.err().strip()).as(second.toString()).contains(live.toString()).doesNotContain("\n")
                .contains("another process is listening on it");
        try (QmpClient again = QmpClient.connect(first.process().qmpAddress())) {
            assertThat(again.queryStatus()).isEqualTo(RunState.RUNNING);
        }
    }

    @Test
    void aStaleMonitorSocketIsReplaced() throws Exception {
        Path stale = machines.dir().resolve("stale.qmp");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(stale)); // closed without removing the file, as after a crash
        }
        assertThat(stale).exists();

        var m = machines.start(List.of("--device", DST), stale);

        assertThat(m.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
    }

    /** Connects the moment the monitor accepts, polling; fails if the process exits first. */
    private static QmpClient connectAsSoonAsItAnswers(String address, Process p) throws Exception {
        while (true) { // the test's timeout bounds this loop
            if (!p.isAlive()) {
                throw new AssertionError("the destination exited with " + p.exitValue() + " before its QMP answered");
            }
            try {
                return QmpClient.connect(address);
            } catch (IOException notYet) {
                Thread.sleep(2);
            }
        }
    }

}
