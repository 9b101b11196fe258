package dev.switchover.migration.core.internal.multifd;

import dev.switchover.migration.core.internal.stream.MigrationStreamException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.WritableByteChannel;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The channels' greeting, their end-of-pages check and how a broken channel fails, naming it. */
class MultifdChannelsTest {

    private static final UUID MIGRATION = UUID.randomUUID();

    @Test
    void aGreetingBindsItsChannelToTheMigration() throws IOException {
        assertThat(MultifdHandshake.read(Channels.newChannel(new java.io.ByteArrayInputStream(greeting(MIGRATION, 3))),
                MIGRATION, 4)).isEqualTo(3);
    }

    @Test
    void strangersAreRefused() {
        assertThatThrownBy(() -> MultifdHandshake.read(channelOf(greeting(UUID.randomUUID(), 0)), MIGRATION, 2))
                .isInstanceOf(IOException.class).hasMessageContaining("another migration");
        byte[] http = "GET / HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n".getBytes();
        assertThatThrownBy(() -> MultifdHandshake.read(channelOf(http), MIGRATION, 2))
                .isInstanceOf(IOException.class).hasMessageContaining("not a multifd channel");
        assertThatThrownBy(() -> MultifdHandshake.read(channelOf(greeting(MIGRATION, 2)), MIGRATION, 2))
                .isInstanceOf(IOException.class).hasMessageContaining("channel id 2");
        assertThatThrownBy(() -> MultifdHandshake.read(channelOf(new byte[5]), MIGRATION, 2))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void totalsThatDisagreeWithWhatArrivedAreRefusedNamingTheChannel() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment page = arena.allocate(4096).fill((byte) 7);
            Pipe pipe = Pipe.open();
            MultifdSender sender = new MultifdSender(List.of(pipe.sink()), List.of("pipe"), () -> { }, StreamWait.NONE,
                    r -> { });
            MultifdReceiver receiver = new MultifdReceiver(List.of(pipe.source()), List.of("pipe"), StreamWait.NONE,
                    () -> { });
            assertThat(sender.route(page)).isZero();
            CompletableFuture<ChannelTotals> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    return sender.finish();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            MemorySegment got = arena.allocate(4096);
            receiver.read(0, got);
            assertThat(got.mismatch(page)).isEqualTo(-1);
            ChannelTotals totals = sent.get(10, TimeUnit.SECONDS);
            ChannelTotals corrupt = new ChannelTotals(totals.bytes(), new int[] {totals.crc32c()[0] ^ 1});
            assertThatThrownBy(() -> receiver.verify(corrupt, 99))
                    .isInstanceOf(MigrationStreamException.class)
                    .hasMessageContaining("multifd channel 0 (pipe) is corrupt");
            receiver.close();
            sender.close();
        }
    }

    @Test
    void aChannelThatEndsBeforeItsPagesFailsTheReadNamingIt() throws Exception {
        Pipe pipe = Pipe.open();
        MultifdReceiver receiver = new MultifdReceiver(List.of(pipe.source()), List.of("tcp:10.0.0.1:4444"),
                StreamWait.NONE, () -> { });
        try (Arena arena = Arena.ofShared()) {
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
                try {
                    receiver.read(0, arena.allocate(4096));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            org.awaitility.Awaitility.await().until(() -> !receiver.awaitedChannel().isEmpty());
            assertThat(receiver.awaitedChannel()).as("what a stall message adds")
                    .isEqualTo(" (waiting for multifd channel 0, tcp:10.0.0.1:4444)");
            pipe.sink().write(ByteBuffer.wrap(new byte[4096]));
            reading.get(10, TimeUnit.SECONDS);
        }
        pipe.sink().write(ByteBuffer.wrap(new byte[100]));
        pipe.sink().close();
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> receiver.read(0, arena.allocate(4096)))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("multifd channel 0 (tcp:10.0.0.1:4444) ended");
        } finally {
            receiver.close();
        }
    }

    @Test
    void aChannelThatBreaksFailsTheMigrationNamingIt() throws Exception {
        WritableByteChannel broken = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) throws IOException {
                throw new IOException("Connection reset by peer");
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        CompletableFuture<String> told = new CompletableFuture<>();
        MultifdSender sender = new MultifdSender(List.of(Channels.newChannel(new ByteArrayOutputStream()), broken),
                List.of("a", "tcp:127.0.0.1:4444"), () -> { }, StreamWait.NONE, told::complete);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment page = arena.allocate(4096);
            for (int i = 0; i <= MultifdSender.BATCH_PAGES; i++) {
                assertThat(sender.route(page)).as("the first batch goes to channel 0, the next to 1")
                        .isEqualTo(i < MultifdSender.BATCH_PAGES ? 0 : 1);
            }
            assertThatThrownBy(sender::finish).isInstanceOf(IOException.class)
                    .hasMessageContaining("multifd channel 1");
            assertThat(told.get(10, TimeUnit.SECONDS))
                    .isEqualTo("multifd channel 1 (tcp:127.0.0.1:4444) failed: Connection reset by peer");
        } finally {
            sender.close();
        }
    }

    @Test
    void aStalledChannelIsNamedAndClosingTheChannelsEndsAWaitForRoomOnThem() throws Exception {
        Pipe pipe = Pipe.open(); // nobody reads it: the channel's queue fills up
        MultifdSender sender = new MultifdSender(List.of(pipe.sink()), List.of("pipe"), () -> { }, StreamWait.NONE,
                r -> { });
        try (Arena arena = Arena.ofShared()) {
            MemorySegment page = arena.allocate(4096);
            CompletableFuture<Void> routing = CompletableFuture.runAsync(() -> {
                try {
                    while (true) {
                        sender.route(page);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            org.awaitility.Awaitility.await().until(() -> sender.bytesQueued() > MultifdSender.QUEUE_PAGES * 4096L);
            assertThat(sender.blockedChannels()).as("what a stall message adds")
                    .isEqualTo(" (multifd channel 0 blocked in a write)");
            sender.close();
            assertThatThrownBy(() -> routing.get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("the multifd channels were closed");
        } finally {
            pipe.source().close();
        }
    }

    private static byte[] greeting(UUID uuid, int id) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MultifdHandshake.write(Channels.newChannel(bytes), uuid, id);
        return bytes.toByteArray();
    }

    private static java.nio.channels.ReadableByteChannel channelOf(byte[] b) {
        return Channels.newChannel(new java.io.ByteArrayInputStream(b));
    }
}
