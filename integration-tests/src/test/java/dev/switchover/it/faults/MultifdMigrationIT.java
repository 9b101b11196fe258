package dev.switchover.it.faults;

import dev.switchover.it.Machines;
import dev.switchover.it.faults.FaultProxy.Direction;
import dev.switchover.it.faults.FaultProxy.Fault;
import dev.switchover.migration.api.MigrationCapability;
import dev.switchover.migration.api.MigrationInfo;
import dev.switchover.migration.api.MigrationStatus;
import dev.switchover.migration.api.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * multifd between two machine processes, through a {@link FaultProxy} that counts the
 * connections: the pages travel on {@code multifd-channels} extra connections and the state
 * arrives whole; a channel cut fails the migration naming a multifd channel, the source keeps
 * running with its state and the destination never runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // two JVMs: longer than the 60 s default
class MultifdMigrationIT {

    private static final String SRC = "ram,id=ram0,size=32M,fill=random";
    private static final String DST = "ram,id=ram0,size=32M";

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void pagesTravelOnTwoThenFourChannelsAndTheStateArrivesWhole() throws Exception {
        Machines.Handle first = machines.start(List.of("--device", SRC));
        Machines.Handle second = machines.start(List.of("--device", DST, "--incoming", "tcp:127.0.0.1:0"));
        Machines.Handle third = machines.start(List.of("--device", DST, "--incoming", "tcp:127.0.0.1:0"));
        hop(first, second, 2); // the machine that arrived then moves on, with twice the channels
        hop(second, third, 4);
    }

    private void hop(Machines.Handle src, Machines.Handle dst, int channels) throws Exception {
        FaultProxy proxy = proxyTo(dst.process().incomingUri());
        src.qmp().setCapability(MigrationCapability.MULTIFD, true);
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 0L, "multifd-channels", channels));

        src.qmp().migrate(proxy.uri());
        MigrationInfo end = Machines.awaitEnd(src.qmp());

        assertThat(end.status()).as(end.toString()).contains(MigrationStatus.COMPLETED);
        assertThat(end.ram()).as("multifd-bytes: every page of the random 32 MiB went on the channels")
                .hasValueSatisfying(r -> assertThat(r.multifdBytes()).isGreaterThanOrEqualTo(32L << 20));
        assertThat(Machines.awaitEnd(dst.qmp()).status()).contains(MigrationStatus.COMPLETED);
        assertThat(dst.qmp().stateDigests()).isEqualTo(src.qmp().stateDigests());
        assertThat(dst.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(proxy.connectionsAccepted()).as("the main connection and one per channel")
                .isEqualTo(1 + channels);
    }

    @Test
    void aChannelCutFailsTheMigrationNamingItTheSourceKeepsItsStateAndTheDestinationNeverRuns() throws Exception {
        // the failed destination stays up to be asked (with --incoming URI it would exit, as QEMU's does)
        Machines.Handle dst = machines.start(List.of("--device", DST, "--incoming", "defer"));
        Machines.Handle src = machines.start(List.of("--device", SRC));
        String before = src.qmp().stateDigests().get("ram0");
        FaultProxy proxy = proxyTo(Machines.listenStayingUp(dst.qmp()));
        src.qmp().setCapability(MigrationCapability.MULTIFD, true);
        src.qmp().execute("migrate-set-parameters", Map.of("max-bandwidth", 0L));
        // a channel is reset just before its end marker: all its pages went, the sync at the end fails
        proxy.at(Direction.UPSTREAM).beforePattern("MFD-END\n".getBytes(StandardCharsets.US_ASCII), 1)
                .then(Fault.RESET);

        src.qmp().migrate(proxy.uri());
        MigrationInfo end = Machines.awaitEnd(src.qmp());

        assertThat(proxy.hasFired()).isTrue();
        assertThat(end.status()).as(end.toString()).contains(MigrationStatus.FAILED);
        assertThat(end.errorDesc()).as(end.toString()).hasValueSatisfying(e -> assertThat(e).contains("multifd channel"));
        assertThat(src.qmp().queryStatus()).isEqualTo(RunState.RUNNING);
        assertThat(src.qmp().stateDigests().get("ram0")).isEqualTo(before);
        MigrationInfo dstEnd = Machines.awaitEnd(dst.qmp());
        assertThat(dstEnd.status()).as(dstEnd.toString()).contains(MigrationStatus.FAILED);
        assertThat(dst.qmp().queryStatus()).isNotEqualTo(RunState.RUNNING);
    }

    /** A proxy to the destination's {@code tcp:HOST:PORT} for the main connection and up to 7 channels. */
    private FaultProxy proxyTo(String tcpUri) throws Exception {
        String hostPort = tcpUri.substring("tcp:".length());
        int colon = hostPort.lastIndexOf(':');
        return machines.closeAfter(FaultProxy.to(new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))), 8));
    }
}
