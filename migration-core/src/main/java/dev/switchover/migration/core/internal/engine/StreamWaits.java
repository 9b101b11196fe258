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
 * The same waits are reported to the migration's {@link LinkWatch}, which bounds them by
 * {@code x-stall-timeout}, with every byte moved as progress.
 */
final class StreamWaits {

    private StreamWaits() {
    }

    /**
     * The stream's outgoing direction, with its writes reported to {@code guard}. Gathering
     * writes pass through as one gathering write (one syscall for many pages), so wrapping never
     * costs the stream its zero-copy path.
     */
    static GatheringByteChannel writes(WritableByteChannel channel, DeviceCallGuard guard, LinkWatch watch) {
        return new Writes(channel, guard, watch);
    }

    /** The stream's incoming direction, with its reads reported to {@code guard}. */
    static ReadableByteChannel reads(ReadableByteChannel channel, DeviceCallGuard guard, LinkWatch watch) {
        return new Reads(channel, guard, watch);
    }

    /**
     * A direction read by a background thread that is always blocked in it (the source's
     * return-path reader): its bytes count as progress, its waiting does not count as a stall.
     */
    static ReadableByteChannel progressOnly(ReadableByteChannel channel, LinkWatch watch) {
        return new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                int n = channel.read(dst);
                if (n > 0) {
                    watch.progress();
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return channel.isOpen();
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }

    /**
     * A wait of the migration thread on something else than its channel's own call — a multifd
     * channel's queue or pages — bracketed as the waits of {@link #writes} and {@link #reads}.
     */
    static dev.switchover.migration.core.internal.multifd.StreamWait bracket(DeviceCallGuard guard, LinkWatch watch) {
        return new dev.switchover.migration.core.internal.multifd.StreamWait() {
            @Override
            public void started() {
                guard.streamWaitStarted();
                watch.waitStarted();
            }

            @Override
            public void ended() {
                watch.waitEnded();
                guard.streamWaitEnded();
            }
        };
    }

    /** One channel call: bytes moved, or -1 at the end of the stream. */
    @FunctionalInterface
    private interface Io {
        long call() throws IOException;
    }

    /**
     * Runs {@code io} as a wait on the stream: neither the device's deadline nor the link's stall
     * bound counts it while it blocks, and any byte it moves is the link's progress.
     */
    private static long waiting(DeviceCallGuard guard, LinkWatch watch, Io io) throws IOException {
        guard.streamWaitStarted();
        watch.waitStarted();
        try {
            long n = io.call();
            if (n > 0) {
                watch.progress();
            }
            return n;
        } finally {
            watch.waitEnded();
            guard.streamWaitEnded();
        }
    }

    private record Writes(WritableByteChannel channel, DeviceCallGuard guard, LinkWatch watch) implements GatheringByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) waiting(guard, watch, () -> channel.write(src));
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
            return waiting(guard, watch, () -> g.write(srcs, offset, length));
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

    private record Reads(ReadableByteChannel channel, DeviceCallGuard guard, LinkWatch watch) implements ReadableByteChannel {
        @Override
        public int read(ByteBuffer dst) throws IOException {
            return (int) waiting(guard, watch, () -> channel.read(dst));
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
