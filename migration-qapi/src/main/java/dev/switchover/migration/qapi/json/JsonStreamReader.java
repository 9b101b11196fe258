package dev.switchover.migration.qapi.json;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads JSON documents one at a time from a byte stream on which they arrive back to back, with
 * or without whitespace or newlines between them: a QMP socket.
 *
 * <p>It first finds where a document ends (balancing brackets outside strings, as QEMU's JSON
 * streamer does) and only then parses it with {@link JsonParser}. So a malformed document costs
 * one {@link JsonParseException} and the stream stays in step: the next call returns the
 * document after it. A document that grows past {@link JsonLimits#maxDocumentBytes()} or nests
 * deeper than {@link JsonLimits#maxDepth()} is reported as soon as the limit is crossed and its
 * remaining bytes are skipped, without being stored, by the next call. Memory use is bounded by
 * the document limit plus a fixed read buffer.
 *
 * <p>Resynchronisation: a raw control character inside a string ends the document there (it is
 * invalid JSON anyway), so a client that forgot a closing quote gets its error at the end of the
 * line instead of the stream waiting for a quote that never comes.
 *
 * <p>Not thread-safe: one reading thread per stream.
 */
public final class JsonStreamReader {

    private static final int READ_BUFFER = 8192;

    private final InputStream in;
    private final JsonLimits limits;
    private final byte[] buf = new byte[READ_BUFFER];
    private int bufPos;
    private int bufLimit;

    private byte[] doc = new byte[256];
    private int docLength;

    /** Scanning state of the current container document, kept across calls while skipping. */
    private long depth;
    private boolean inString;
    private boolean escaped;
    private Skip skip = Skip.NONE;

    /** What is left to discard of a document already reported as beyond the limits. */
    private enum Skip { NONE, CONTAINER_OR_STRING, BARE_TOKEN }

    public JsonStreamReader(InputStream in, JsonLimits limits) {
        this.in = Objects.requireNonNull(in, "in");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * The next document, or empty at a clean end of the stream (only whitespace since the last
     * document).
     *
     * @throws JsonParseException if the next document is malformed or beyond the limits; the
     *                            stream stays usable and the next call continues after it
     * @throws EOFException       if the stream ends inside a document
     * @throws IOException        if reading fails
     */
    public Optional<JsonValue> next() throws IOException, JsonParseException {
        switch (skip) {
            case CONTAINER_OR_STRING -> skipRestOfDocument();
            case BARE_TOKEN -> skipRestOfBareToken();
            case NONE -> { }
        }
        int first = skipWhitespace();
        if (first < 0) {
            return Optional.empty();
        }
        docLength = 0;
        switch (first) {
            case '{', '[' -> scanContainer();
            case '"' -> scanTopLevelString();
            case '}', ']', ',', ':' -> append(take());
            default -> {
                if (first < 0x20 || first >= 0xF5) {
                    append(take()); // a lone byte that can start nothing: one error, then move on
                } else {
                    scanBareToken();
                }
            }
        }
        return Optional.of(JsonParser.parse(doc, docLength, limits));
    }

    private void scanContainer() throws IOException, JsonParseException {
        depth = 0;
        inString = false;
        escaped = false;
        while (true) {
            int b = take();
            if (b < 0) {
                throw new EOFException("end of stream inside a JSON document");
            }
            append(b);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                } else if (b < 0x20) {
                    return; // resynchronise: the parser reports the control character
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
                if (depth > limits.maxDepth()) {
                    skip = Skip.CONTAINER_OR_STRING;
                    throw new JsonParseException("nesting deeper than " + limits.maxDepth() + " levels",
                            docLength - 1);
                }
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 0) {
                    return;
                }
            }
        }
    }

    /**
     * Consumes the rest of a container or string reported as too large or too deep, storing
     * nothing. Stops early at the end of the stream; the caller then sees EOF.
     */
    private void skipRestOfDocument() throws IOException {
        while (true) {
            int b = take();
            if (b < 0) {
                skip = Skip.NONE;
                return;
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"' || b < 0x20) {
                    inString = false;
                    if (depth <= 0) {
                        skip = Skip.NONE;
                        return;
                    }
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth <= 0) {
                    skip = Skip.NONE;
                    return;
                }
            }
        }
    }

    private void scanTopLevelString() throws IOException, JsonParseException {
        depth = 0;
        append(take()); // opening quote
        inString = true;
        escaped = false;
        while (true) {
            int b = take();
            if (b < 0) {
                throw new EOFException("end of stream inside a JSON string");
            }
            append(b);
            if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else if (b == '"' || b < 0x20) {
                inString = false;
                return;
            }
        }
    }

    /** A number, keyword or garbage: up to the next whitespace, structural character or EOF. */
    private void scanBareToken() throws IOException, JsonParseException {
        depth = 0;
        inString = false;
        while (true) {
            int b = peek();
            if (b < 0 || isTokenDelimiter(b)) {
                return;
            }
            append(take());
        }
    }

    private void append(int b) throws JsonParseException {
        if (docLength == limits.maxDocumentBytes()) {
            // the scanning state (depth, inString) tells the skipper where the document ends
            skip = depth > 0 || inString ? Skip.CONTAINER_OR_STRING : Skip.BARE_TOKEN;
            throw new JsonParseException("document larger than " + limits.maxDocumentBytes() + " bytes", -1);
        }
        if (docLength == doc.length) {
            doc = Arrays.copyOf(doc, (int) Math.min((long) doc.length * 2, limits.maxDocumentBytes()));
        }
        doc[docLength++] = (byte) b;
    }

    /** Drops the rest of an oversized bare token, which ends at the next delimiter. */
    private void skipRestOfBareToken() throws IOException {
        while (true) {
            int b = peek();
            if (b < 0 || isTokenDelimiter(b)) {
                skip = Skip.NONE;
                return;
            }
            take();
        }
    }

    private static boolean isTokenDelimiter(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '{' || b == '}' || b == '[' || b == ']'
                || b == ',' || b == ':' || b == '"' || b < 0x20;
    }

    /** Skips JSON whitespace; returns the next byte without consuming it, or -1 at EOF. */
    private int skipWhitespace() throws IOException {
        while (true) {
            int b = peek();
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b;
            }
            bufPos++;
        }
    }

    private int peek() throws IOException {
        if (bufPos == bufLimit && !fill()) {
            return -1;
        }
        return buf[bufPos] & 0xff;
    }

    private int take() throws IOException {
        int b = peek();
        if (b >= 0) {
            bufPos++;
        }
        return b;
    }

    private boolean fill() throws IOException {
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            return false;
        }
        bufPos = 0;
        bufLimit = n;
        return true;
    }
}
