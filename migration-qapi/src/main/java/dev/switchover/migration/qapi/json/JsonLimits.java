package dev.switchover.migration.qapi.json;

/**
 * Bounds for reading JSON from an untrusted peer: how deeply values may nest and how large one
 * document may be. They keep a hostile client from exhausting the stack or the heap.
 *
 * @param maxDepth         the deepest nesting of objects and arrays accepted (1 = a flat object)
 * @param maxDocumentBytes the largest document accepted, in UTF-8 bytes (for text: characters)
 */
public record JsonLimits(int maxDepth, int maxDocumentBytes) {

    /** 64 levels, 1 MiB: generous for QMP, small enough for many clients at once. */
    public static final JsonLimits DEFAULT = new JsonLimits(64, 1 << 20);

    /**
     * @throws IllegalArgumentException if a bound is not positive
     */
    public JsonLimits {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth must be at least 1, not " + maxDepth);
        }
        if (maxDocumentBytes < 1) {
            throw new IllegalArgumentException("maxDocumentBytes must be at least 1, not " + maxDocumentBytes);
        }
    }
}
