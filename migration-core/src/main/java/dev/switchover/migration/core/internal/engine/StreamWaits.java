package dev.switchover.migration.core.internal.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Channel wrappers that tell a {@link DeviceCallGuard} when a device call waits on the
 * migration stream, so that waiting on the peer is not counted as the device hanging: a
 * source's {@code saveIterate} whose buffer flush blocks because the destination stopped
 * reading, a destination's {@code loadSection} that waits for bytes the source has not sent.
 */
final class StreamWaits {

    private StreamWaits() {
    }

    /**
     * The stream's outgoing direction, with its writes reported to {@code guard}. Gathering
     * writes pass through as one gathering write (one syscall for many pages), so wrapping never
     * costs the stream its zero-copy path.
     */
    static GatheringByteChannel writes(WritableByteChannel channel, DeviceCallGuard guard) {
        return new Writes(channel, guard);
    }

    /** The stream's incoming direction, with its reads reported to {@code guard}. */
    static ReadableByteChannel reads(ReadableByteChannel channel, DeviceCallGuard guard) {
        return new Reads(channel, guard);
    }

    private record Writes(WritableByteChannel channel, DeviceCallGuard guard) implements GatheringByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            guard.streamWaitStarted();
            try {
                return channel.write(src);
            } finally {
                guard.streamWaitEnded();
            }
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (!(channel instanceof GatheringByteChannel g)) {
                long n = 0;
                for (int i = offset; i < offset + length; i++) {
                    n += write(srcs[i]);
                    if (srcs[i].hasRemaining()) {
                        break;
                    }
                }
                return n;
            }
            guard.streamWaitStarted();
            try {
                return g.write(srcs, offset, length);
            } finally {
                guard.streamWaitEnded();
            }
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private record Reads(ReadableByteChannel channel, DeviceCallGuard guard) implements ReadableByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            guard.streamWaitStarted();
            try {
                return channel.read(dst);
            } finally {
                guard.streamWaitEnded();
            }
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
