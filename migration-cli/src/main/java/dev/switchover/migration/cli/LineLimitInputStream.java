package dev.switchover.migration.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most {@code limit + 1} bytes of each line and drops the rest of a longer line up to
 * its end ({@code \n} or {@code \r}), so that piped input can not make the monitor shell's line
 * reader allocate without bound: JLine collects a line in memory until its end, however long.
 * A line that was cut arrives longer than {@code limit} bytes, which is how the shell knows to
 * refuse it (see {@link MonitorShell#MAX_LINE}); a line cut inside a multi-byte UTF-8 character
 * decodes to a replacement character, which only makes it longer.
 *
 * <p>Not thread-safe: the terminal's one reader uses it.
 */
final class LineLimitInputStream extends FilterInputStream {

    private final int limit;
    private int inLine;

    /**
     * @param limit the most bytes a line may have; one more is passed so that a cut line shows
     */
    LineLimitInputStream(InputStream in, int limit) {
        super(in);
        if (limit < 1) {
            throw new IllegalArgumentException("a line limit must be at least 1 byte, not " + limit);
        }
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        while (true) {
            int c = in.read();
            if (c < 0 || keep(c)) {
                return c;
            }
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            int n = in.read(b, off, len);
            if (n < 0) {
                return n;
            }
            int kept = 0;
            for (int i = 0; i < n; i++) {
                byte c = b[off + i];
                if (keep(c & 0xff)) {
                    b[off + kept++] = c;
                }
            }
            if (kept > 0) {
                return kept;
            }
        }
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && read() >= 0) {
            skipped++;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Whether byte {@code c} of the current line is passed on. */
    private boolean keep(int c) {
        if (c == '\n' || c == '\r') {
            inLine = 0;
            return true;
        }
        if (inLine > limit) {
            return false;
        }
        inLine++;
        return true;
    }
}
