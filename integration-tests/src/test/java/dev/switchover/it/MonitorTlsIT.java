package dev.switchover.it;

import dev.switchover.migration.api.RunState;
import dev.switchover.migration.client.MachineProcess;
import dev.switchover.migration.client.QmpClient;
import dev.switchover.migration.monitor.TlsCredentialsDirectory;
import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.Authority;
import dev.switchover.testfixtures.TestCertificates.KeyForm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A machine whose TCP monitor serves QMP inside TLS ({@code --qmp tcp:HOST:PORT,tls-creds=ID},
 * QEMU's chardev option, with the {@code --object}): {@code switchover monitor --tls-creds-dir}
 * with QEMU's client files drives it, and so does the client library; missing client files are
 * named.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS) // a JVM and two command lines
class MonitorTlsIT {

    @RegisterExtension
    final Machines machines = new Machines();

    @Test
    void theMonitorCommandReachesATlsMonitorWithTheClientFilesOnly() throws Exception {
        Authority ca = TestCertificates.authority("Monitor IT CA");
        Path serverDir = ca.writeServerDir(machines.dir().resolve("server"), ca.server("127.0.0.1"), KeyForm.PKCS8);
        Path clientDir = ca.writeClientDir(machines.dir().resolve("client"), ca.client("CN=admin,O=Switchover tests"),
                KeyForm.PKCS8);
        // missing client files are named before any connection: run beside the machine's start-up
        SwitchoverCli.Running missingFiles = SwitchoverCli.start(machines.dir(), "monitor-missing", "info status\n",
                "monitor", "--qmp", "tcp:127.0.0.1:1", "--tls-creds-dir", machines.dir().resolve("nowhere").toString(),
                "--no-history");
        MachineProcess vm = machines.closeAfter(MachineProcess.start(
                List.of(Machines.image().resolve("bin/switchover").toString()),
                Map.of("SWITCHOVER_JAVA_OPTS", String.join(" ", Machines.QUICK_JVM)),
                List.of("--device", "ram,id=ram0,size=16M", "--qmp", "tcp:127.0.0.1:0,server=on,tls-creds=tls0",
                        "--object", "tls-creds-x509,id=tls0,endpoint=server,dir=" + serverDir),
                machines.dir().resolve("vm.log"), Duration.ofSeconds(60)));
        String address = vm.qmpAddress();
        assertThat(address).startsWith("tcp:127.0.0.1:");

        SwitchoverCli.Result shell = SwitchoverCli.run(machines.dir(), "monitor-tls", Duration.ofSeconds(60),
                "info status\nquit\n", "monitor", "--qmp", address, "--tls-creds-dir", clientDir.toString(),
                "--no-history");
        assertThat(shell.exitCode()).as("%s", shell).isZero();
        assertThat(shell.out()).as("%s", shell).isEqualTo("VM status: running\n");

        // (a client without TLS is dropped at the monitor's handshake: MonitorTlsTest)
        SwitchoverCli.Result missing = missingFiles.awaitExit(Duration.ofSeconds(60));
        assertThat(missing.exitCode()).as("%s", missing).isEqualTo(2);
        assertThat(missing.err()).as("%s", missing).contains("ca-cert.pem");

        try (QmpClient qmp = machines.closeAfter(QmpClient.connect(address, Duration.ofSeconds(10),
                TlsCredentialsDirectory.client(clientDir)))) {
            assertThat(qmp.queryStatus()).isEqualTo(RunState.RUNNING);
            qmp.execute("quit");
        }
    }
}
