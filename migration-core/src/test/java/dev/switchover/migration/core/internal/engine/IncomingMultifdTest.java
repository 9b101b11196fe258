package dev.switchover.migration.core.internal.engine;

import dev.switchover.migration.core.internal.multifd.MultifdHandshake;
import dev.switchover.migration.core.internal.multifd.MultifdSetup;
import dev.switchover.migration.core.internal.transport.MigrationChannel;
import dev.switchover.migration.core.internal.transport.MigrationUri;
import dev.switchover.migration.core.internal.transport.Transports;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How a destination binds its multifd channels on its own listener: strangers — bytes that are
 * no greeting, a peer that says nothing, a greeting of another migration, a second connection
 * for a bound id — are closed while it keeps waiting, and each real channel lands at its id
 * whatever order they connect in.
 */
class IncomingMultifdTest {

    private final DeviceCallGuard calls = new DeviceCallGuard(Duration.ofSeconds(30), h -> { });
    private final LinkWatch watch = new LinkWatch(System::nanoTime, () -> 10_000, r -> { });

    @Test
    void strangersAreRefusedAndEachChannelIsBoundAtItsId() throws Exception {
        MultifdSetup setup = new MultifdSetup(UUID.randomUUID(), 2);
        Transports.Listener listener = Transports.listen(MigrationUri.parse("tcp:127.0.0.1:0"));
        MigrationUri uri = MigrationUri.parse(listener.boundUri());
        List<AutoCloseable> open = new ArrayList<>();
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port(uri))) {
            CompletableFuture<IncomingMultifd> bound = CompletableFuture.supplyAsync(() -> {
                try {
                    return IncomingMultifd.accept(listener, setup, 10_000, calls, watch);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (Socket http = new Socket(InetAddress.getLoopbackAddress(), port(uri))) {
                OutputStream out = http.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            MigrationChannel other = Transports.connect(uri, Duration.ofSeconds(5));
            open.add(other);
            MultifdHandshake.write(other.output(), UUID.randomUUID(), 0); // another migration's channel 0
            MigrationChannel second = channel(uri, setup, 1, open);
            // before channel 0: once every channel is bound the listener may close, refusing later peers
            MigrationChannel duplicate = channel(uri, setup, 1, open);
            MigrationChannel first = channel(uri, setup, 0, open);

            IncomingMultifd multifd = bound.get(20, TimeUnit.SECONDS);
            try {
                send(first, (byte) 10);
                // the greetings are read side by side, so either connection for channel 1 may be
                // the one bound: both carry the page, and the other must have been closed
                sendIfOpen(second, (byte) 11);
                sendIfOpen(duplicate, (byte) 11);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment page = arena.allocate(4096);
                    multifd.receiver().read(1, page);
                    assertThat(page.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 11);
                    multifd.receiver().read(0, page);
                    assertThat(page.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4095)).isEqualTo((byte) 10);
                }
                assertThat(oneClosedByPeer(second, duplicate)).as("a second connection for channel 1").isTrue();
                assertThat(closedByPeer(other)).as("a channel of another migration").isTrue();
            } finally {
                multifd.close();
            }
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    @Test
    void channelsThatDoNotAllConnectFailNamingHowManyAreMissing() throws Exception {
        MultifdSetup setup = new MultifdSetup(UUID.randomUUID(), 3);
        Transports.Listener listener = Transports.listen(MigrationUri.parse("tcp:127.0.0.1:0"));
        List<AutoCloseable> open = new ArrayList<>();
        try {
            channel(MigrationUri.parse(listener.boundUri()), setup, 2, open);
            assertThatThrownBy(() -> IncomingMultifd.accept(listener, setup, 300, calls, watch))
                    .hasMessage("2 of the 3 multifd channels the source announced did not connect within 300 ms "
                            + "(x-stall-timeout)");
        } finally {
            for (AutoCloseable c : open) {
                c.close();
            }
        }
    }

    private static MigrationChannel channel(MigrationUri uri, MultifdSetup setup, int id, List<AutoCloseable> open)
            throws Exception {
        MigrationChannel c = Transports.connect(uri, Duration.ofSeconds(5));
        open.add(c);
        MultifdHandshake.write(c.output(), setup.uuid(), id);
        return c;
    }

    private static void send(MigrationChannel c, byte fill) throws Exception {
        byte[] page = new byte[4096];
        java.util.Arrays.fill(page, fill);
        ByteBuffer b = ByteBuffer.wrap(page);
        while (b.hasRemaining()) {
            c.output().write(b);
        }
    }

    private static void sendIfOpen(MigrationChannel c, byte fill) {
        try {
            send(c, fill);
        } catch (Exception e) {
            // closed by the peer: the other connection for this id was bound
        }
    }

    /** Whether the peer closed one of {@code a} and {@code b} (the other may stay open). */
    private static boolean oneClosedByPeer(MigrationChannel a, MigrationChannel b) throws Exception {
        CompletableFuture<Boolean> ended = new CompletableFuture<>();
        for (MigrationChannel c : List.of(a, b)) {
            Thread.ofVirtual().start(() -> {
                try {
                    if (c.input().read(ByteBuffer.allocate(1)) < 0) {
                        ended.complete(true);
                    }
                } catch (java.io.IOException e) {
                    ended.complete(true);
                }
            });
        }
        return ended.get(10, TimeUnit.SECONDS);
    }

    /** Whether the peer closed {@code c}: a read ends (EOF or reset) instead of blocking. */
    private static boolean closedByPeer(MigrationChannel c) throws Exception {
        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> {
            try {
                return c.input().read(ByteBuffer.allocate(1)) < 0;
            } catch (java.io.IOException e) {
                return true;
            }
        });
        return ended.get(10, TimeUnit.SECONDS);
    }

    private static int port(MigrationUri uri) {
        return ((MigrationUri.Tcp) uri).port();
    }
}
