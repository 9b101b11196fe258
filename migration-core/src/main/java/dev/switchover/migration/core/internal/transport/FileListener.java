package dev.switchover.migration.core.internal.transport;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The destination of a restore: {@link #accept()} opens the saved file for reading. Nothing
 * is held open between accepts, so closing it only stops further accepts.
 */
final class FileListener implements Transports.Listener {

    private final MigrationUri.File uri;
    private volatile boolean closed;

    FileListener(MigrationUri.File uri) {
        this.uri = uri;
    }

    @Override
    public MigrationChannel accept() throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        try {
            FileChannel ch = FileChannel.open(uri.path(), StandardOpenOption.READ);
            return new FileMigrationChannel(ch, uri.path(), false);
        } catch (IOException e) {
            throw new IOException("Failed to open '" + uri.path() + "' for reading: " + Failures.reason(e), e);
        }
    }

    @Override
    public String boundUri() {
        return uri.text();
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "Listener[" + uri.text() + "]";
    }
}
