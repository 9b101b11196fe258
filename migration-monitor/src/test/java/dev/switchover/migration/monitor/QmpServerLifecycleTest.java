package dev.switchover.migration.monitor;

import dev.switchover.migration.qapi.QmpJson;
import dev.switchover.migration.qapi.MonitorAddress;
import dev.switchover.testfixtures.FakeMigrationControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QmpServerLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void servesUnixAndLoopbackTcpAtOnceAndCleansUp() throws Exception {
        FakeMigrationControl machine = new FakeMigrationControl();
        Path sock = dir.resolve("m.qmp");
        try (QmpServer server = QmpServer.builder(machine).unix(sock).listen("tcp:127.0.0.1:0").start()) {
            assertThat(server.addresses()).hasSize(2);
            InetSocketAddress tcp = (InetSocketAddress) server.addresses().get(1);
            assertThat(tcp.getAddress().isLoopbackAddress()).isTrue();
            assertThat(tcp.getPort()).isPositive();
            try (RawQmp viaUnix = RawQmp.negotiated(server.addresses().getFirst());
                 RawQmp viaTcp = RawQmp.negotiated(tcp)) {
                viaUnix.command("{\"execute\": \"stop\"}");
                assertThat(QmpJson.write(viaTcp.command("{\"execute\": \"query-status\"}"))).contains("\"paused\"");
                server.close();
                viaUnix.awaitClosedByServer();
                viaTcp.awaitClosedByServer();
            }
        }
        assertThat(sock).doesNotExist();
    }

    @Test
    void replacesAStaleSocketButNeverAnOrdinaryFile() throws Exception {
        Path stale = dir.resolve("stale.qmp");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(stale).exists();
        try (QmpServer server = QmpServer.builder(new FakeMigrationControl()).unix(stale).start();
             RawQmp c = RawQmp.connect(server.addresses().getFirst())) {
            assertThat(c.replyLine()).startsWith("{\"QMP\"");
        }
        Path file = Files.writeString(dir.resolve("precious.txt"), "keep me");
        assertThatThrownBy(() -> QmpServer.builder(new FakeMigrationControl()).unix(file).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(file).hasContent("keep me");
    }

    @Test
    void neverTakesOverASocketAnotherMonitorServes() throws Exception {
        Path sock = dir.resolve("live.qmp");
        FakeMigrationControl first = new FakeMigrationControl();
        try (QmpServer live = QmpServer.builder(first).unix(sock).start()) {
            assertThatThrownBy(() -> QmpServer.builder(new FakeMigrationControl()).unix(sock).start())
                    .isInstanceOf(IOException.class)
                    .hasMessage("can not listen on unix:" + sock + ": another process is listening on it");
            try (RawQmp c = RawQmp.negotiated(live.addresses().getFirst())) {
                c.command("{\"execute\": \"stop\"}");
            }
            assertThat(first.calls).as("the first monitor still answers on its path").contains("stop");
        }
    }

    @Test
    void aSocketWhoseListenerClosedWithoutRemovingItIsReplaced() throws Exception {
        Path sock = dir.resolve("left.qmp");
        ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        old.bind(UnixDomainSocketAddress.of(sock));
        old.close(); // a crashed process leaves its socket file behind
        try (QmpServer server = QmpServer.builder(new FakeMigrationControl()).unix(sock).start();
             RawQmp c = RawQmp.connect(server.addresses().getFirst())) {
            assertThat(c.replyLine()).startsWith("{\"QMP\"");
        }
    }

    @Test
    void bindsAllOrNothing() throws Exception {
        FakeMigrationControl machine = new FakeMigrationControl();
        Path sock = dir.resolve("ok.qmp");
        assertThatThrownBy(() -> QmpServer.builder(machine).unix(sock).unix(dir.resolve("no/such/dir/x.qmp")).start())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("can not listen on unix:");
        assertThat(sock).doesNotExist();
        assertThat(machine.subscriberCount()).isZero();
    }

    @Test
    void rejectsBadConfiguration() {
        FakeMigrationControl machine = new FakeMigrationControl();
        assertThatThrownBy(() -> QmpServer.builder(machine).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one address");
        assertThatThrownBy(() -> QmpServer.builder(machine).listen("http://x"))
                .hasMessage("'http://x' is not a monitor address (use unix:/path or tcp:host:port)");
        assertThatThrownBy(() -> QmpServer.builder(machine).listen("tcp:localhost"))
                .hasMessage("'tcp:localhost' has no port (use tcp:host:port)");
        assertThatThrownBy(() -> QmpServer.builder(machine).listen("tcp:::1:4444"))
                .hasMessageContaining("put an IPv6 host in brackets");
        assertThatThrownBy(() -> QmpServer.builder(machine).listen("tcp:h:70000"))
                .hasMessage("TCP port 70000 is out of range 0..65535");
        assertThatThrownBy(() -> QmpServer.builder(machine).outputQueueCapacity(0))
                .hasMessageContaining("at least 1");
    }

    @Test
    void parsesMonitorAddresses() {
        assertThat(MonitorAddress.parse("tcp::4444")).isEqualTo(new MonitorAddress.Tcp("127.0.0.1", 4444));
        assertThat(MonitorAddress.parse("tcp:[::1]:5").toString()).isEqualTo("tcp:[::1]:5");
        assertThat(MonitorAddress.parse("unix:/run/vm.qmp")).isEqualTo(new MonitorAddress.Unix(Path.of("/run/vm.qmp")));
    }
}
