package dev.switchover.migration.qapi;

/**
 * Input that is not one valid JSON document within its bounds. The message says what was
 * wrong and where ({@code invalid keyword 'bad' at offset 12}) in words fit for a QMP client,
 * which gets it as {@code JSON parse error, <message>}; the Jackson error behind it, if any, is
 * the cause, for logs only.
 */
public final class MalformedJsonException extends Exception {

    private final long offset;

    /**
     * @param problem what is wrong, without the position
     * @param offset  where, in bytes from the start of the document; -1 when it concerns the
     *                document as a whole
     */
    public MalformedJsonException(String problem, long offset) {
        this(problem, offset, null);
    }

    MalformedJsonException(String problem, long offset, Throwable cause) {
        super(offset >= 0 ? problem + " at offset " + offset : problem, cause);
        this.offset = offset;
    }

    /** Where the problem was found, in bytes from the start of the document; -1 if not one place. */
    public long offset() {
        return offset;
    }
}
