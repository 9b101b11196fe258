package dev.switchover.migration.cli;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines of at most a fixed length, so neither a typed line nor a history file can make the
 * shell allocate without bound. A longer line is consumed to its end and reported as a
 * {@link LineTooLongException}; the next read starts at the following line. Line ends are
 * {@code \n}, {@code \r\n} or {@code \r}.
 *
 * <p>Not thread-safe.
 */
final class BoundedLineReader {

    /** A line exceeded the limit; it was skipped. */
    static final class LineTooLongException extends IOException {
        LineTooLongException(int limit) {
            super("line longer than " + limit + " characters, ignored");
        }
    }

    private final Reader in;
    private final int maxChars;
    private boolean skipLf;

    BoundedLineReader(Reader in, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("a line limit must be at least 1 character, not " + maxChars);
        }
        this.in = in;
        this.maxChars = maxChars;
    }

    /**
     * @return the next line without its end, or null at the end of input
     * @throws LineTooLongException if the line is longer than the limit (it is skipped)
     */
    String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        while (true) {
            int c = in.read();
            if (c == '\n' && skipLf) {
                skipLf = false;
                continue;
            }
            skipLf = false;
            if (c == -1) {
                if (tooLong) {
                    throw new LineTooLongException(maxChars);
                }
                return line.isEmpty() ? null : line.toString();
            }
            if (c == '\n' || c == '\r') {
                skipLf = c == '\r';
                if (tooLong) {
                    throw new LineTooLongException(maxChars);
                }
                return line.toString();
            }
            if (line.length() < maxChars) {
                line.append((char) c);
            } else {
                tooLong = true;
            }
        }
    }
}
