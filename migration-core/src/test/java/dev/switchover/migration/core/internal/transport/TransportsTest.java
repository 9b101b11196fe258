package dev.switchover.migration.core.internal.transport;

import dev.switchover.migration.core.internal.stream.ReturnPath;
import dev.switchover.migration.core.internal.stream.ReturnPathMessage;
import dev.switchover.migration.core.internal.stream.StreamItem;
import dev.switchover.migration.core.internal.stream.StreamReader;
import dev.switchover.migration.core.internal.stream.StreamWriter;
import dev.switchover.migration.spi.SectionKind;
import dev.switchover.migration.spi.SectionReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TransportsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Bigger than any socket buffer, so the stream really flows while both sides work. */
    private static final int PAYLOAD = 12 << 20;

    @TempDir
    Path dir;

    @Test
    void tcpLoopbackCarriesTheStreamAndTheReturnPath() throws Exception {
        try (var listener = Transports.listen(MigrationUri.parse("tcp:127.0.0.1:0"))) {
            assertThat(listener.boundUri()).matches("tcp:127\\.0\\.0\\.1:\\d+").isNotEqualTo("tcp:127.0.0.1:0");
            migrateOver(listener, MigrationUri.parse(listener.boundUri()));
        }
    }

    /** The stream sends guest pages with gathering writes; a plain channel would cost a syscall per page. */
    @Test
    void everyOutgoingDirectionCanGather() throws Exception {
        try (var listener = Transports.listen(MigrationUri.parse("tcp:127.0.0.1:0"));
             MigrationChannel out = Transports.connect(MigrationUri.parse(listener.boundUri()), java.time.Duration.ofSeconds(5));
             MigrationChannel in = listener.accept()) {
            assertThat(out.output()).isInstanceOf(java.nio.channels.GatheringByteChannel.class);
            assertThat(in.output()).isInstanceOf(java.nio.channels.GatheringByteChannel.class);
        }
        Path sock = dir.resolve("g.sock");
        try (var listener = Transports.listen(MigrationUri.parse("unix:" + sock));
             MigrationChannel out = Transports.connect(MigrationUri.parse("unix:" + sock), java.time.Duration.ofSeconds(5))) {
            assertThat(out.output()).isInstanceOf(java.nio.channels.GatheringByteChannel.class);
        }
        try (MigrationChannel file = Transports.connect(MigrationUri.parse("file:" + dir.resolve("g.mig")),
                java.time.Duration.ofSeconds(5))) {
            assertThat(file.output()).isInstanceOf(java.nio.channels.GatheringByteChannel.class);
        }
    }

    @Test
    void tcpOverIpv6Loopback() throws Exception {
        assumeTrue(ipv6LoopbackWorks(), "IPv6 loopback available");
        try (var listener = Transports.listen(MigrationUri.parse("tcp:[::1]:0"))) {
            assertThat(listener.boundUri()).matches("tcp:\\[::1]:\\d+");
            migrateOver(listener, MigrationUri.parse(listener.boundUri()));
        }
    }

    @Test
    void unixSocketCarriesTheStreamAndTheReturnPathAndCleansUp() throws Exception {
        Path sock = dir.resolve("m.sock");
        try (var listener = Transports.listen(new MigrationUri.Unix(sock))) {
            assertThat(listener.boundUri()).isEqualTo("unix:" + sock);
            migrateOver(listener, new MigrationUri.Unix(sock));
        }
        assertThat(sock).doesNotExist();
    }

    @Test
    void aUnixListenersSocketIsOnlyItsOwnersAndLeavesNoStagingBehind() throws Exception {
        Path sock = dir.resolve("private.sock");
        try (var listener = Transports.listen(new MigrationUri.Unix(sock))) {
            // mode 0600 whatever the umask: the default 022 would leave a socket other users can connect to
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)))
                    .isEqualTo("rw-------");
            try (var source = Transports.connect(new MigrationUri.Unix(sock), TIMEOUT);
                 var dest = listener.accept()) {
                assertThat(dest.describe()).isEqualTo("unix:" + sock);
            }
            try (var entries = Files.list(dir)) {
                assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("private.sock");
            }
        }
        assertThat(sock).doesNotExist();
    }

    @Test
    void unixListenerReplacesAStaleSocketButNotARegularFile() throws Exception {
        Path sock = dir.resolve("stale.sock");
        try (var stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            stale.bind(UnixDomainSocketAddress.of(sock));
        }
        assertThat(sock).exists(); // closing does not unlink it: a stale socket file
        try (var listener = Transports.listen(new MigrationUri.Unix(sock));
             var source = Transports.connect(new MigrationUri.Unix(sock), TIMEOUT);
             var dest = listener.accept()) {
            assertThat(source.hasReturnPath()).isTrue();
            assertThat(dest.describe()).isEqualTo("unix:" + sock);
        }
        Path file = dir.resolve("precious.txt");
        Files.writeString(file, "keep me");
        assertThatThrownBy(() -> Transports.listen(new MigrationUri.Unix(file)))
                .isInstanceOf(IOException.class)
                .hasMessage("Failed to listen on '" + file + "': it exists and is not a socket");
        assertThat(file).hasContent("keep me");
    }

    @Test
    void fileSavesAndRestoresWithoutAReturnPath() throws Exception {
        Path file = dir.resolve("vm.mig");
        Files.writeString(file, "old contents that must be truncated away, longer than the stream");
        MigrationUri uri = MigrationUri.parse("file:" + file);
        try (var out = Transports.connect(uri, TIMEOUT)) {
            assertThat(out.hasReturnPath()).isFalse();
            assertThat(out.describe()).isEqualTo("file:" + file);
            assertThatThrownBy(out::input).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("no return path");
            writeStream(out, 3 << 20);
        }
        try (var listener = Transports.listen(uri)) {
            assertThat(listener.boundUri()).isEqualTo("file:" + file);
            try (var in = listener.accept()) {
                assertThatThrownBy(in::output).isInstanceOf(UnsupportedOperationException.class);
                readStream(in, 3 << 20);
            }
        }
    }

    @Test
    void missingFileGivesAClearMessage() throws IOException {
        Path missing = dir.resolve("nope.mig");
        try (var listener = Transports.listen(new MigrationUri.File(missing))) {
            assertThatThrownBy(listener::accept)
                    .isInstanceOf(IOException.class)
                    .hasMessage("Failed to open '" + missing + "' for reading: No such file or directory");
        }
        Path noDir = dir.resolve("no/such/dir/x.mig");
        assertThatThrownBy(() -> Transports.connect(new MigrationUri.File(noDir), TIMEOUT))
                .hasMessage("Failed to open '" + noDir + "' for writing: No such file or directory");
    }

    @Test
    void connectingToAPortWithoutListenerSaysConnectionRefused() throws IOException {
        int port;
        try (var probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        int freePort = port;
        assertThatThrownBy(() -> Transports.connect(new MigrationUri.Tcp("127.0.0.1", freePort), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessage("Failed to connect to '127.0.0.1:" + freePort + "': Connection refused");
    }

    @Test
    void connectingToAMissingUnixSocketNamesThePath() {
        Path sock = dir.resolve("absent.sock");
        assertThatThrownBy(() -> Transports.connect(new MigrationUri.Unix(sock), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("Failed to connect to '" + sock + "': ");
    }

    @Test
    void portZeroIsOnlyForListening() {
        assertThatThrownBy(() -> Transports.connect(MigrationUri.parse("tcp:127.0.0.1:0"), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port 0 is only valid for listening");
    }

    @Test
    void bindingABusyPortSaysSo() throws IOException {
        try (var first = Transports.listen(MigrationUri.parse("tcp:127.0.0.1:0"))) {
            String busy = first.boundUri();
            assertThatThrownBy(() -> Transports.listen(MigrationUri.parse(busy)))
                    .isInstanceOf(IOException.class)
                    .hasMessage("Failed to listen on '" + busy.substring(4) + "': Address already in use");
        }
    }

    @Test
    void closingTheChannelFromAnotherThreadUnblocksABlockedRead() throws Exception {
        try (var listener = Transports.listen(MigrationUri.parse("tcp:127.0.0.1:0"));
             var source = Transports.connect(MigrationUri.parse(listener.boundUri()), TIMEOUT)) {
            MigrationChannel dest = listener.accept();
            try {
                Future<?> reader = CompletableFuture.runAsync(() -> {
                    try {
                        new StreamReader(dest.input(), 4096).readHeader(); // the source never sends anything
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(100); // let it block; if it has not yet, it fails on the closed channel instead
                dest.close();
                assertThatThrownBy(() -> reader.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().cause().isInstanceOf(ClosedChannelException.class);
                assertThat(source.describe()).isEqualTo(listener.boundUri());
            } finally {
                dest.close();
            }
        }
    }

    @Test
    void closingTheChannelFromAnotherThreadUnblocksABlockedWrite() throws Exception {
        Path sock = dir.resolve("w.sock");
        try (var listener = Transports.listen(new MigrationUri.Unix(sock))) {
            MigrationChannel source = Transports.connect(new MigrationUri.Unix(sock), TIMEOUT);
            try (var dest = listener.accept()) {
                Future<?> writer = CompletableFuture.runAsync(() -> {
                    try {
                        ByteBuffer big = ByteBuffer.allocateDirect(64 << 20);
                        while (big.hasRemaining()) {
                            source.output().write(big); // nobody reads: the socket buffers fill and this blocks
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(100);
                source.close();
                assertThatThrownBy(() -> writer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().cause().isInstanceOf(ClosedChannelException.class);
                assertThat(dest.hasReturnPath()).isTrue();
            } finally {
                source.close();
            }
        }
    }

    @Test
    void closingTheListenerUnblocksAccept() throws Exception {
        var listener = Transports.listen(MigrationUri.parse("tcp:127.0.0.1:0"));
        Future<MigrationChannel> accept = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(100);
        listener.close();
        assertThatThrownBy(() -> accept.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().cause().isInstanceOf(ClosedChannelException.class);
    }

    @Test
    void closingTheOutputViewHalfClosesSoTheReturnPathStillWorks() throws Exception {
        try (var listener = Transports.listen(MigrationUri.parse("tcp:127.0.0.1:0"));
             var source = Transports.connect(MigrationUri.parse(listener.boundUri()), TIMEOUT);
             var dest = listener.accept()) {
            var w = new StreamWriter(source.output(), 4096);
            w.writeHeader();
            w.writeEof();
            w.close();
            source.output().close();
            var r = new StreamReader(dest.input(), 4096);
            r.readHeader();
            assertThat(r.next()).isInstanceOf(StreamItem.Eof.class);
            assertThat(r.readVmDescription()).as("clean end right after EOF").isNull();
            ReturnPath.write(dest.output(), ReturnPathMessage.Shut.OK);
            assertThat(ReturnPath.read(source.input())).isEqualTo(ReturnPathMessage.Shut.OK);
        }
    }

    // ---- a small migration: the source streams, the destination loads and acknowledges --------

    private static void migrateOver(Transports.Listener listener, MigrationUri target) throws Exception {
        CompletableFuture<Void> destination = CompletableFuture.runAsync(() -> {
            try (MigrationChannel in = listener.accept()) {
                assertThat(in.hasReturnPath()).isTrue();
                readStream(in, PAYLOAD);
                ReturnPath.write(in.output(), new ReturnPathMessage.Pong(42));
                ReturnPath.write(in.output(), ReturnPathMessage.Shut.OK);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        try (MigrationChannel out = Transports.connect(target, TIMEOUT)) {
            assertThat(out.describe()).isEqualTo(target.text());
            writeStream(out, PAYLOAD);
            assertThat(ReturnPath.read(out.input())).isEqualTo(new ReturnPathMessage.Pong(42));
            assertThat(ReturnPath.read(out.input())).isEqualTo(ReturnPathMessage.Shut.OK);
        }
        destination.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static void writeStream(MigrationChannel out, int payload) throws IOException {
        var w = new StreamWriter(out.output(), StreamWriter.DEFAULT_BUFFER_SIZE);
        w.writeHeader();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(payload);
            for (long i = 0; i < payload; i += 8) {
                ram.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i);
            }
            var s = w.beginSection(SectionKind.START, 1, "ram", 0, 4);
            s.writeLong(payload);
            s.write(ram);
            w.endSection(1);
        }
        w.writeEof();
        w.writeVmDescription("{\"devices\":[]}");
        w.flush();
        assertThat(w.bytesWritten()).isGreaterThan(payload);
        assertThat(w.sendNanos()).isPositive();
    }

    private static void readStream(MigrationChannel in, int payload) throws IOException {
        var r = new StreamReader(in.input(), StreamReader.DEFAULT_BUFFER_SIZE);
        r.readHeader();
        assertThat(r.next()).isEqualTo(new StreamItem.Section(SectionKind.START, 1, "ram", 0, 4));
        SectionReader p = r.payload();
        long size = p.readLong();
        assertThat(size).isEqualTo(payload);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(size);
            p.readFully(ram);
            for (long i = 0; i < size; i += 8) {
                if (ram.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != i) {
                    throw new AssertionError("payload corrupted at " + i);
                }
            }
        }
        r.readFooter(1);
        assertThat(r.next()).isInstanceOf(StreamItem.Eof.class);
        assertThat(r.readVmDescription()).isEqualTo("{\"devices\":[]}");
    }

    private static boolean ipv6LoopbackWorks() {
        try (var s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("::1", 0));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
