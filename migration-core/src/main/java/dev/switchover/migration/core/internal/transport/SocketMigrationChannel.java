package dev.switchover.migration.core.internal.transport;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A connected TCP or Unix-domain socket: stream one way, return path the other. The views
 * returned by {@link #input()} and {@link #output()} are the socket itself for reads and
 * writes (no extra copy); closing a view half-closes the socket.
 */
final class SocketMigrationChannel extends SocketChannelViews {

    /** Kernel socket buffers we ask for; Linux caps them at {@code net.core.[rw]mem_max}. */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;

    SocketMigrationChannel(SocketChannel socket, String description) {
        super(socket, description);
    }

    /** Sets the options a bulk stream wants; options the socket family lacks are skipped. */
    static void tune(SocketChannel socket) throws IOException {
        setIfSupported(socket, StandardSocketOptions.TCP_NODELAY, true);
        setIfSupported(socket, StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        setIfSupported(socket, StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
    }

    private static <T> void setIfSupported(SocketChannel socket, SocketOption<T> option, T value) throws IOException {
        if (socket.supportedOptions().contains(option)) {
            socket.setOption(option, value);
        }
    }

    @Override
    int readBytes(ByteBuffer dst) throws IOException {
        return socket.read(dst);
    }

    @Override
    long writeBytes(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return socket.write(srcs, offset, length);
    }
}
