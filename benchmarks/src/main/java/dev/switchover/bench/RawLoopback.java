package dev.switchover.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The raw loopback limit: one thread writes through a plain TCP socket in {@link #WRITE} writes
 * (what iperf3 does with {@code -l 1M}), another drains it, both in this JVM.
 */
final class RawLoopback {

    /** Bytes per write. */
    static final int WRITE = 1 << 20;

    private RawLoopback() {
    }

    /** Bytes per second through one loopback TCP connection, moving {@code bytes}. */
    static double bytesPerSecond(long bytes) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Thread reader = Thread.ofPlatform().start(() -> drain(server));
            long t0 = System.nanoTime();
            try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                out.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ByteBuffer buf = ByteBuffer.allocateDirect(WRITE);
                long left = bytes;
                while (left > 0) {
                    buf.clear().limit((int) Math.min(buf.capacity(), left));
                    while (buf.hasRemaining()) {
                        left -= out.write(buf);
                    }
                }
            }
            reader.join();
            return bytes * 1e9 / (System.nanoTime() - t0);
        }
    }

    private static void drain(ServerSocketChannel server) {
        try (SocketChannel in = server.accept()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(WRITE);
            while (in.read(buf) >= 0) {
                buf.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
