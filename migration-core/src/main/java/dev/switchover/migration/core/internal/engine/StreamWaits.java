package dev.switchover.migration.core.internal.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
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

    /** The stream's outgoing direction, with its writes reported to {@code guard}. */
    static WritableByteChannel writes(WritableByteChannel channel, DeviceCallGuard guard) {
        return new Writes(channel, guard);
    }

    /** The stream's incoming direction, with its reads reported to {@code guard}. */
    static ReadableByteChannel reads(ReadableByteChannel channel, DeviceCallGuard guard) {
        return new Reads(channel, guard);
    }

    private record Writes(WritableByteChannel channel, DeviceCallGuard guard) implements WritableByteChannel {
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
