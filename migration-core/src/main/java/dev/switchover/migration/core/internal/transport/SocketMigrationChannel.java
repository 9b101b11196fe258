package dev.switchover.migration.core.internal.transport;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A connected TCP or Unix-domain socket: stream one way, return path the other. The views
 * returned by {@link #input()} and {@link #output()} are the socket itself for reads and
 * writes (no extra copy); closing a view half-closes the socket.
 */
final class SocketMigrationChannel implements MigrationChannel {

    /** Kernel socket buffers we ask for; Linux caps them at {@code net.core.[rw]mem_max}. */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final SocketChannel socket;
    private final String description;
    private final ReadableByteChannel input;
    private final WritableByteChannel output;

    SocketMigrationChannel(SocketChannel socket, String description) {
        this.socket = socket;
        this.description = description;
        this.input = new Input();
        this.output = new Output();
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
    public ReadableByteChannel input() {
        return input;
    }

    @Override
    public WritableByteChannel output() {
        return output;
    }

    @Override
    public boolean hasReturnPath() {
        return true;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return "MigrationChannel[" + description + "]";
    }

    private final class Input implements ReadableByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            return socket.read(dst);
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            if (socket.isOpen()) {
                socket.shutdownInput();
            }
        }
    }

    /** The socket's writing half; gathering, so the stream can hand it many pages in one writev. */
    private final class Output implements GatheringByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            return socket.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return socket.write(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return socket.write(srcs);
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            if (socket.isOpen()) {
                socket.shutdownOutput();
            }
        }
    }
}
