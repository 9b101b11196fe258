package dev.switchover.migration.qapi;

/**
 * Input that is not one valid JSON document within its bounds. The message says what was
 * wrong and where ({@code invalid keyword 'bad' at offset 12}) in words fit for a QMP client,
 * which gets it as {@code JSON parse error, <message>}; the Jackson error behind it, if any, is
 * the cause, for logs only.
 */
public sealed class MalformedJsonException extends Exception {

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

    /** The document is longer than the reader's maximum document length. */
    static MalformedJsonException tooLarge(long maxBytes, Throwable cause) {
        return new TooLarge(maxBytes, cause);
    }

    /**
     * Whether the document was longer than the maximum length: the reader skips it, but a
     * server may rather close a connection that sends such a thing.
     */
    public boolean tooLarge() {
        return this instanceof TooLarge;
    }

    private static final class TooLarge extends MalformedJsonException {
        TooLarge(long maxBytes, Throwable cause) {
            super("document larger than " + maxBytes + " bytes", -1, cause);
        }
    }

    /** Where the problem was found, in bytes from the start of the document; -1 if not one place. */
    public long offset() {
        return offset;
    }
}
