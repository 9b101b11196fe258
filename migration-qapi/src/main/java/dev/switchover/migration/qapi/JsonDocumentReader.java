package dev.switchover.migration.qapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads JSON documents one at a time from a byte stream on which they arrive back to back, with
 * or without whitespace between them: a QMP socket.
 *
 * <p>Why a framing layer over Jackson: after a syntax error a Jackson parser is spent, and it
 * can not say where the bad document would have ended. So this class first finds where a
 * document ends, the way QEMU's JSON streamer does (brackets balanced outside strings; a
 * top-level string at its closing quote; a number or keyword at the next delimiter; a stray
 * {@code } ] , :} or control byte alone), and only then lets Jackson parse those bytes
 * ({@link QmpJson}). A malformed document so costs one {@link MalformedJsonException} and the
 * stream stays in step: the next call returns the document after it.
 *
 * <p>Bounds ({@link StreamReadConstraints}): a document that grows past the maximum document
 * length, or nests deeper than the maximum depth, is reported as soon as the limit is crossed;
 * the next call first skips the rest of it without storing it. Memory use is bounded by the
 * document limit plus a fixed read buffer. Jackson applies the same constraints (and the string
 * length) to each document it parses.
 *
 * <p>Resynchronisation: a raw control character inside a string ends the document there (it is
 * invalid JSON anyway), also while skipping, so a client that forgot a closing quote gets its
 * error at the end of the line instead of the stream waiting for a quote that never comes.
 *
 * <p>Not thread-safe: one reading thread per stream.
 */
public final class JsonDocumentReader {

    private static final int READ_BUFFER = 8192;

    private final InputStream in;
    private final JsonFactory jackson;
    private final int maxDepth;
    private final int maxBytes;
    private final byte[] buf = new byte[READ_BUFFER];
    private int bufPos;
    private int bufLimit;
    private byte[] doc = new byte[256];
    private int docLength;

    /** Scanning state of the current document, kept across calls while skipping its rest. */
    private int depth;
    private boolean inString;
    private boolean escaped;
    private Skip skip = Skip.NONE;

    /** What is left to discard of a document already reported as beyond the limits. */
    private enum Skip { NONE, CONTAINER_OR_STRING, BARE_TOKEN }

    /**
     * @param limits its maximum document length (bytes) and nesting depth bound the framing; it
     *               is also what Jackson parses each document with
     * @throws IllegalArgumentException if {@code limits} sets no maximum document length: the
     *                                  reader's memory must be bounded
     */
    public JsonDocumentReader(InputStream in, StreamReadConstraints limits) {
        this.in = Objects.requireNonNull(in, "in");
        long maxLength = limits.getMaxDocumentLength();
        if (maxLength < 1 || maxLength > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a JSON stream needs a maximum document length between 1 and "
                    + (Integer.MAX_VALUE - 8) + " bytes, not " + maxLength);
        }
        this.maxBytes = (int) maxLength;
        this.maxDepth = limits.getMaxNestingDepth();
        this.jackson = QmpJson.readerFactory(limits);
    }

    /**
     * The next document, or empty at a clean end of the stream (only whitespace since the last
     * document).
     *
     * @throws MalformedJsonException if the next document is malformed or beyond the limits; the
     *                                stream stays usable and the next call continues after it
     * @throws EOFException           if the stream ends inside a document
     * @throws IOException            if reading fails
     */
    public Optional<JsonNode> next() throws IOException, MalformedJsonException {
        switch (skip) {
            case CONTAINER_OR_STRING -> scanToEnd(false);
            case BARE_TOKEN -> scanBareToken(false);
            case NONE -> { }
        }
        skip = Skip.NONE;
        int first = skipWhitespace();
        if (first < 0) {
            return Optional.empty();
        }
        docLength = 0;
        depth = 0;
        inString = false;
        escaped = false;
        if (first == '{' || first == '[' || first == '"') {
            scanToEnd(true);
        } else if (first == '}' || first == ']' || first == ',' || first == ':' || first < 0x20 || first >= 0xF5) {
            append(take()); // a byte that can start no value: one error, then move on
        } else {
            scanBareToken(true);
        }
        return Optional.of(QmpJson.parse(jackson, doc, docLength));
    }

    /**
     * Consumes a container or string to its end, storing it if {@code store}; while skipping the
     * rest of a refused document it stores nothing and stops quietly at the end of the stream
     * (the caller then sees it).
     */
    private void scanToEnd(boolean store) throws IOException, MalformedJsonException {
        while (true) {
            int b = take();
            if (b < 0) {
                if (store) {
                    throw new EOFException("end of stream inside a JSON document");
                }
                return;
            }
            if (store) {
                append(b);
            }
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b < 0x20) {
                    return; // resynchronise: Jackson reports the control character
                } else if (b == '"') {
                    inString = false;
                    if (depth == 0) {
                        return;
                    }
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                if (++depth > maxDepth && store) {
                    skip = Skip.CONTAINER_OR_STRING;
                    throw new MalformedJsonException("nesting deeper than " + maxDepth + " levels", docLength - 1);
                }
            } else if ((b == '}' || b == ']') && --depth == 0) {
                return;
            }
        }
    }

    /** A number, keyword or garbage: up to the next whitespace, structural character or the end. */
    private void scanBareToken(boolean store) throws IOException, MalformedJsonException {
        for (int b = peek(); b >= 0 && !isTokenDelimiter(b); b = peek()) {
            take();
            if (store) {
                append(b);
            }
        }
    }

    private void append(int b) throws MalformedJsonException {
        if (docLength == maxBytes) {
            // the scanning state tells the skipper where the document ends
            skip = depth > 0 || inString ? Skip.CONTAINER_OR_STRING : Skip.BARE_TOKEN;
            throw MalformedJsonException.tooLarge(maxBytes, null);
        }
        if (docLength == doc.length) {
            doc = Arrays.copyOf(doc, (int) Math.min((long) doc.length * 2, maxBytes));
        }
        doc[docLength++] = (byte) b;
    }

    private static boolean isTokenDelimiter(int b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '{' || b == '}' || b == '[' || b == ']'
                || b == ',' || b == ':' || b == '"' || b < 0x20;
    }

    /** Skips JSON whitespace; returns the next byte without consuming it, or -1 at the end. */
    private int skipWhitespace() throws IOException {
        for (int b = peek(); ; b = peek()) {
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
