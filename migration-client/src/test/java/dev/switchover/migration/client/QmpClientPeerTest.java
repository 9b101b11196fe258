package dev.switchover.migration.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against scripted peers that misbehave in ways a real monitor might. */
class QmpClientPeerTest {

    private static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, "
            + "\"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u18+b3\"}, \"capabilities\": [\"oob\"]}}\r\n";

    @TempDir
    Path dir;

    /** Accepts one connection and runs {@code script} with it on a background thread. */
    private String peer(BiConsumer<SocketChannel, InputStream> script) throws IOException {
        Path sock = dir.resolve("peer.sock");
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(sock));
        Thread.ofVirtual().start(() -> {
            try (listener; SocketChannel ch = listener.accept()) {
                script.accept(ch, Channels.newInputStream(ch));
            } catch (IOException e) {
                // the test sees the effect on the client side
            }
        });
        return "unix:" + sock;
    }

    private static void send(SocketChannel ch, String text) {
        try {
            ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String readLine(InputStream in) {
        try {
            StringBuilder sb = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                sb.append((char) b);
            }
            return sb.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void speaksToAQemuStylePeerAndIgnoresLateAndStrayMessages() throws Exception {
        String address = peer((ch, in) -> {
            send(ch, GREETING);
            assertThat(readLine(in)).isEqualTo("{\"execute\": \"qmp_capabilities\", \"id\": 1}");
            send(ch, "{\"return\": {}, \"id\": 1}\r\n");
            assertThat(readLine(in)).isEqualTo("{\"execute\": \"query-status\", \"id\": 2}");
            send(ch, "{\"return\": {\"stale\": true}, \"id\": 99}\r\n"); // a reply nobody waits for
            send(ch, "[\"stray\"]\r\n{\"unknown\": 1}\r\nnot json\r\n");
            send(ch, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"STOP\"}\r\n");
            send(ch, "{\"return\": {\"status\": \"postmigrate\", \"singlestep\": false, \"running\": false}, "
                    + "\"id\": 2}\r\n");
            readLine(in); // wait until the client goes away
        });
        try (QmpClient c = QmpClient.connect(address, Duration.ofSeconds(10))) {
            assertThat(c.greeting().get("version").toString()).contains("package=Debian");
            assertThat(c.queryStatus()).isEqualTo(dev.switchover.migration.api.RunState.POSTMIGRATE);
            assertThat(c.nextEvent(Duration.ofSeconds(10)).orElseThrow().timestamp().toString())
                    .isEqualTo("1970-01-01T00:00:01.000002Z");
        }
    }

    @Test
    void aMonitorThatSpeaksTlsIsNamedAsSuchNotReadAsJson() throws Exception {
        // a TLS server's fatal alert (handshake_failure), as a monitor with tls-creds sends a plain client
        String address = peer((ch, in) -> {
            try {
                ch.write(ByteBuffer.wrap(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}));
                readLine(in);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThatThrownBy(() -> QmpClient.connect(address, Duration.ofSeconds(10)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(address + " speaks TLS, not plain QMP")
                .hasMessageContaining("--tls-creds-dir");
    }

    @Test
    void aPeerThatIsNotQmpIsRefused() throws Exception {
        String address = peer((ch, in) -> {
            send(ch, "{\"hello\": \"I am not QEMU\"}\n");
            readLine(in);
        });
        assertThatThrownBy(() -> QmpClient.connect(address, Duration.ofSeconds(10)))
                .isInstanceOf(IOException.class)
                .hasMessage(address + " is not a QMP monitor: it greeted with {\"hello\": \"I am not QEMU\"}");
    }

    @Test
    void aSilentPeerTimesOut() throws Exception {
        String address = peer((ch, in) -> readLine(in));
        assertThatThrownBy(() -> QmpClient.connect(address, Duration.ofMillis(200)))
                .isInstanceOf(IOException.class)
                .hasMessage("no QMP greeting from " + address + " within 200 ms");
    }

    @Test
    void aFailedNegotiationIsReported() throws Exception {
        String address = peer((ch, in) -> {
            send(ch, GREETING);
            readLine(in);
            send(ch, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": 1}\r\n");
            readLine(in);
        });
        assertThatThrownBy(() -> QmpClient.connect(address, Duration.ofSeconds(10)))
                .isInstanceOf(IOException.class)
                .hasMessage("QMP capabilities negotiation with " + address + " failed: no");
    }

    @Test
    void aPeerHangingUpMidReplyFailsTheWaitingCommand() throws Exception {
        String address = peer((ch, in) -> {
            send(ch, GREETING);
            readLine(in);
            send(ch, "{\"return\": {}, \"id\": 1}\r\n");
            readLine(in);
            send(ch, "{\"return\": {\"status\": \"runn");
        });
        try (QmpClient c = QmpClient.connect(address, Duration.ofSeconds(10))) {
            assertThatThrownBy(c::queryStatus).isInstanceOf(IOException.class)
                    .hasMessageContaining("end of stream inside a JSON");
        }
    }
}
