package dev.switchover.migration.core.internal.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationUriTest {

    @Test
    void parsesEveryAcceptedForm() {
        assertThat(MigrationUri.parse("tcp:127.0.0.1:4444")).isEqualTo(new MigrationUri.Tcp("127.0.0.1", 4444));
        assertThat(MigrationUri.parse("tcp:[::1]:4444")).isEqualTo(new MigrationUri.Tcp("::1", 4444));
        assertThat(MigrationUri.parse("tcp:localhost:0")).isEqualTo(new MigrationUri.Tcp("localhost", 0));
        assertThat(MigrationUri.parse("tcp:example.org:65535")).isEqualTo(new MigrationUri.Tcp("example.org", 65535));
        assertThat(MigrationUri.parse("unix:/tmp/x.sock")).isEqualTo(new MigrationUri.Unix(Path.of("/tmp/x.sock")));
        assertThat(MigrationUri.parse("file:/tmp/x.mig")).isEqualTo(new MigrationUri.File(Path.of("/tmp/x.mig")));
        assertThat(MigrationUri.parse("file:relative/x.mig")).isEqualTo(new MigrationUri.File(Path.of("relative/x.mig")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp:127.0.0.1:4444", "tcp:[::1]:4444", "tcp:localhost:0", "unix:/tmp/x.sock", "file:/tmp/x.mig"})
    void textRoundTrips(String uri) {
        assertThat(MigrationUri.parse(uri).text()).isEqualTo(uri);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tcp", "tcp:", "tcp:host", "tcp::4444", "tcp:host:", "tcp:host:x", "tcp:host:65536",
            "tcp:host:-1", "tcp:host:123456", "tcp:::1:4444", "tcp:[::1]", "tcp:[::1]4444", "tcp:[]:1", "udp:host:1",
            "unix:", "file:", "rdma:host:1", "exec:cat", "TCP:host:1", "unix:/tmp/a\0b"})
    void rejectsEverythingElseListingTheAcceptedForms(String uri) {
        assertThatThrownBy(() -> MigrationUri.parse(uri))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid migration URI '" + uri + "'")
                .hasMessageEndingWith("expected tcp:HOST:PORT, tcp:[IPV6]:PORT, unix:PATH or file:PATH");
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertThatThrownBy(() -> MigrationUri.parse("tcp:host:70000")).hasMessageContaining("port 70000 is outside 0..65535");
        assertThatThrownBy(() -> MigrationUri.parse("tcp:::1:1")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> MigrationUri.parse("ftp:x")).hasMessageContaining("unknown or missing transport");
    }
}
