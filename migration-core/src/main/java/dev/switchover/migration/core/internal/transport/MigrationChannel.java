package dev.switchover.migration.core.internal.transport;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * One connected migration channel: the stream in one direction and, on sockets, the return
 * path in the other. On the source {@link #output()} carries the stream and {@link #input()}
 * the return path; on the destination the other way round.
 *
 * <p>Both directions are blocking. The two may be used by two threads at once (one reading,
 * one writing), but each by one thread at a time. {@link #close()} may be called from any
 * thread, at any time, and unblocks a thread blocked in a read or write on either direction
 * (it then gets an {@link java.nio.channels.AsynchronousCloseException}); that is how a
 * migration is cancelled.
 */
public interface MigrationChannel extends Closeable {

    /**
     * The incoming direction. Closing the returned channel shuts down only this direction.
     *
     * @throws UnsupportedOperationException if this channel has no incoming direction (a file written by the source)
     */
    ReadableByteChannel input();

    /**
     * The outgoing direction. Closing the returned channel shuts down only this direction (the
     * peer reads end-of-stream), the other stays usable.
     *
     * @throws UnsupportedOperationException if this channel has no outgoing direction (a file read by the destination)
     */
    WritableByteChannel output();

    /** Whether the channel carries a return path: true for tcp/unix, false for file. */
    boolean hasReturnPath();

    /** What this channel is connected to, for messages and logs, e.g. {@code tcp:127.0.0.1:4444}. */
    String describe();

    /** Closes both directions; idempotent, any thread. */
    @Override
    void close() throws IOException;
}
