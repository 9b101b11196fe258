package dev.switchover.migration.core.internal.transport;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

/**
 * A migration file: written by the source ({@code migrate file:...}, a save) or read by the
 * destination ({@code migrate-incoming file:...}, a restore). One direction only, so no return
 * path. {@link FileChannel} is interruptible: closing it from another thread unblocks a
 * blocked read or write.
 */
final class FileMigrationChannel implements MigrationChannel {

    private final FileChannel file;
    private final Path path;
    private final boolean writing;

    FileMigrationChannel(FileChannel file, Path path, boolean writing) {
        this.file = file;
        this.path = path;
        this.writing = writing;
    }

    @Override
    public ReadableByteChannel input() {
        if (writing) {
            throw new UnsupportedOperationException("'" + describe() + "' is being written; a file has no return path");
        }
        return file;
    }

    @Override
    public WritableByteChannel output() {
        if (!writing) {
            throw new UnsupportedOperationException("'" + describe() + "' is being read; a file has no return path");
        }
        return file;
    }

    @Override
    public boolean hasReturnPath() {
        return false;
    }

    @Override
    public String describe() {
        return "file:" + path;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return "MigrationChannel[" + describe() + (writing ? ", writing]" : ", reading]");
    }
}
