package dev.switchover.migration.core.internal.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * What a migration channel over a connected socket shares, plain or TLS: the two directional
 * views (closing one half-closes the socket, after {@link #finishOutput()}), the description,
 * and {@link #close()} closing the socket — which unblocks a reader and a writer on any thread.
 * Subclasses say how bytes are read and written.
 */
abstract class SocketChannelViews implements MigrationChannel {

    final SocketChannel socket;
    private final String description;
    private final ReadableByteChannel input = new Input();
    private final WritableByteChannel output = new Output();

    SocketChannelViews(SocketChannel socket, String description) {
        this.socket = socket;
        this.description = description;
    }

    /** Reads stream bytes into {@code dst}; -1 at the end. */
    abstract int readBytes(ByteBuffer dst) throws IOException;

    /** Writes bytes from {@code srcs[offset..offset+length)}; returns how many. */
    abstract long writeBytes(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Runs before the socket's output is shut down (TLS sends its close_notify); nothing by default. */
    void finishOutput() throws IOException {
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
            return readBytes(dst);
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

    /** Gathering: the stream hands it many pages in one call (one writev on a plain socket). */
    private final class Output implements GatheringByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) writeBytes(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return writeBytes(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return writeBytes(srcs, 0, srcs.length);
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() throws IOException {
            if (socket.isOpen()) {
                finishOutput();
                socket.shutdownOutput();
            }
        }
    }
}
