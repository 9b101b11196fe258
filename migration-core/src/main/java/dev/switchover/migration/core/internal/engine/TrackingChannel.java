package dev.switchover.migration.core.internal.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Wraps the outgoing channel and remembers the first failure, so that an {@link IOException}
 * surfacing through a device's write is attributed to the stream (the destination went away)
 * rather than to the device.
 */
final class TrackingChannel implements GatheringByteChannel {

    private final WritableByteChannel delegate;
    private volatile IOException failure;

    TrackingChannel(WritableByteChannel delegate) {
        this.delegate = delegate;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        try {
            return delegate.write(src);
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
            throw e;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        try {
            if (delegate instanceof GatheringByteChannel g) {
                return g.write(srcs, offset, length);
            }
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += delegate.write(srcs[i]);
                if (srcs[i].hasRemaining()) {
                    break;
                }
            }
            return n;
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
            throw e;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** The first write failure, or {@code null}. */
    IOException failure() {
        return failure;
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
