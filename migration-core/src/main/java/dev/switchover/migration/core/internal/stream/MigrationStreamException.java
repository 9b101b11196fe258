package dev.switchover.migration.core.internal.stream;

import java.io.IOException;

/**
 * The migration stream (or the return path) holds something that is not valid: wrong magic,
 * an unknown section type, a footer for the wrong section, a length beyond its bound. The
 * peer is broken or hostile; the migration must fail and the destination must not run the
 * state it loaded so far.
 *
 * <p>The message is meant for the user ({@code error-desc}) and names the byte offset where
 * the problem was found, when there is one: {@code corrupt migration stream at offset 1234:
 * unknown section type 0x55}. A stream that merely ends early is a {@link
 * java.io.EOFException}, not this.
 */
public class MigrationStreamException extends IOException {

    private final long offset;
    private final String problem;

    /** A problem not tied to an offset (e.g. a bad header, a return-path message). */
    public MigrationStreamException(String message) {
        super(message);
        this.offset = -1;
        this.problem = message;
    }

    /** A problem found at {@code offset} bytes into the stream. */
    public MigrationStreamException(long offset, String problem) {
        super("corrupt migration stream at offset " + offset + ": " + problem);
        this.offset = offset;
        this.problem = problem;
    }

    /** A problem found at {@code offset}, caused by {@code cause} (e.g. malformed UTF-8). */
    public MigrationStreamException(long offset, String problem, Throwable cause) {
        super("corrupt migration stream at offset " + offset + ": " + problem, cause);
        this.offset = offset;
        this.problem = problem;
    }

    /** The problem without the offset prefix. */
    public String problem() {
        return problem;
    }

    /** The byte offset into the stream where the problem was found, or {@code -1} if none applies. */
    public long offset() {
        return offset;
    }
}
