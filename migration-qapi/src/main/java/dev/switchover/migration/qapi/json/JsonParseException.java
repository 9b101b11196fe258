package dev.switchover.migration.qapi.json;

/**
 * Input that is not one valid JSON document within the {@link JsonLimits}. The message says
 * what was wrong and where ({@code expecting value at offset 12}); QMP sends it back as
 * {@code JSON parse error, <message>}.
 */
public final class JsonParseException extends Exception {

    private final long offset;

    /**
     * @param problem what is wrong, without the position
     * @param offset  where, counted from the start of the document (characters of the text, or
     *                bytes of a streamed document); -1 when it concerns the document as a whole
     */
    public JsonParseException(String problem, long offset) {
        super(offset >= 0 ? problem + " at offset " + offset : problem);
        this.offset = offset;
    }

    /** Where the problem was found, from the start of the document; -1 if not one place. */
    public long offset() {
        return offset;
    }
}
