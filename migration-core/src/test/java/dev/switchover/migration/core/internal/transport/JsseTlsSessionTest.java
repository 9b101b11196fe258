package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.api.MigrationTls;
import dev.switchover.migration.api.TlsCredentials;
import dev.switchover.migration.api.TlsCredentials.Endpoint;
import dev.switchover.migration.spi.TlsSession;
import dev.switchover.testfixtures.TestCertificates;
import dev.switchover.testfixtures.TestCertificates.Authority;
import dev.switchover.testfixtures.TestCertificates.Issued;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK's TLS session over a loopback socket: whatever the sizes of the reads — a few bytes
 * through its own buffer, many records at once into a large buffer — the reader gets every byte
 * the writer wrote, in order, then the end of the stream after the writer's close_notify.
 */
class JsseTlsSessionTest {

    private static final String CLIENT_DN = "CN=src.example,O=Switchover tests";

    @Test
    void mixedSmallAndLargeReadsGetEveryByteInOrderThenTheEnd() throws Exception {
        Authority ca = TestCertificates.authority("Switchover test CA");
        Issued server = ca.server("127.0.0.1");
        Issued client = ca.client(CLIENT_DN);
        TlsEngines serverEnd = TlsEngines.server(new MigrationTls(new TlsCredentials("tls0", Endpoint.SERVER, true,
                List.of(ca.certificate()), List.of(server.certificate()), server.keys().getPrivate()),
                Optional.empty(), Optional.empty()));
        TlsEngines clientEnd = TlsEngines.client(new MigrationTls(new TlsCredentials("tls0", Endpoint.CLIENT, true,
                List.of(ca.certificate()), List.of(client.certificate()), client.keys().getPrivate()),
                Optional.empty(), Optional.empty()), Optional.of("127.0.0.1"));
        byte[] sent = new byte[3 << 20];
        new Random(15).nextBytes(sent);

        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel out = SocketChannel.open(listener.getLocalAddress());
             SocketChannel in = listener.accept()) {
            TlsSession writer = clientEnd.open(out);
            TlsSession reader = serverEnd.open(in);
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    writer.handshake();
                    ByteBuffer src = ByteBuffer.allocateDirect(sent.length).put(sent).flip();
                    while (src.hasRemaining()) {
                        ByteBuffer chunk = src.slice(src.position(), Math.min(src.remaining(), 700_001));
                        src.position(src.position() + (int) writer.write(new ByteBuffer[] {chunk}, 0, 1));
                    }
                    writer.closeOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            reader.handshake();

            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer small = ByteBuffer.allocate(7);
            ByteBuffer large = ByteBuffer.allocateDirect(256 << 10);
            for (int i = 0; ; i++) {
                ByteBuffer dst = (i % 3 == 0 ? small : large).clear();
                int n = reader.read(dst);
                if (n < 0) {
                    break;
                }
                assertThat(n).as("bytes of read %d", i).isEqualTo(dst.position()).isPositive();
                byte[] got = new byte[n];
                dst.flip().get(got);
                received.write(got);
            }
            writing.join();
            byte[] got = received.toByteArray();
            assertThat(got.length).as("bytes received").isEqualTo(sent.length);
            assertThat(Arrays.mismatch(got, sent)).as("offset of the first byte that differs").isEqualTo(-1);
            assertThat(reader.read(small.clear())).isEqualTo(-1);
        }
    }
}
