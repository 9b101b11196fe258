package dev.switchover.migration.qapi.json;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A strict RFC 8259 parser for one complete document, meant for input from untrusted peers.
 *
 * <p>Strict means: no comments, no trailing commas, no single quotes, no leading zeros, no
 * unescaped control characters in strings, no duplicate member names, nothing after the
 * document but whitespace. Bounded means: nesting deeper than {@link JsonLimits#maxDepth()} and
 * documents larger than {@link JsonLimits#maxDocumentBytes()} are rejected before they cost
 * memory or stack. Every error names the problem and its offset.
 *
 * <p>Integers that fit a {@code long} become {@link JsonLong}; integers beyond that range become
 * {@link JsonDouble} (as QEMU's parser does), so a size just below 2^64 still parses. A number
 * whose magnitude overflows a double is an error.
 *
 * <p>Instances are single-use and not thread-safe; use the static methods.
 */
public final class JsonParser {

    private static final int SNIPPET = 32;

    private final String text;
    private final JsonLimits limits;
    private int pos;
    private int depth;

    private JsonParser(String text, JsonLimits limits) {
        this.text = text;
        this.limits = limits;
    }

    /** Parses {@code text} with {@link JsonLimits#DEFAULT}. */
    public static JsonValue parse(String text) throws JsonParseException {
        return parse(text, JsonLimits.DEFAULT);
    }

    /** Parses {@code text}, which must hold exactly one JSON value. */
    public static JsonValue parse(String text, JsonLimits limits) throws JsonParseException {
        if (text.length() > limits.maxDocumentBytes()) {
            throw new JsonParseException("document larger than " + limits.maxDocumentBytes() + " characters", -1);
        }
        JsonParser p = new JsonParser(text, limits);
        p.skipWhitespace();
        if (p.pos == text.length()) {
            throw new JsonParseException("expecting value", p.pos);
        }
        JsonValue v = p.value();
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw new JsonParseException("unexpected " + p.describeAt(p.pos) + " after the value", p.pos);
        }
        return v;
    }

    /**
     * Parses the UTF-8 bytes {@code utf8[0..length)}, which must hold exactly one JSON value.
     * Malformed UTF-8 is an error.
     */
    public static JsonValue parse(byte[] utf8, int length, JsonLimits limits) throws JsonParseException {
        if (length > limits.maxDocumentBytes()) {
            throw new JsonParseException("document larger than " + limits.maxDocumentBytes() + " bytes", -1);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new JsonParseException("invalid UTF-8", firstMalformed(utf8, length));
        }
        return parse(text, limits);
    }

    private JsonValue value() throws JsonParseException {
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> new JsonString(string());
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
            case '}', ']', ',', ':' -> throw new JsonParseException("expecting value, found '" + c + "'", pos);
            default -> keyword();
        };
    }

    private JsonObject object() throws JsonParseException {
        enter();
        pos++; // '{'
        LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            depth--;
            return new JsonObject(members);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw new JsonParseException("expecting a member name (a string), found " + describeAt(pos), pos);
            }
            int namePos = pos;
            String name = string();
            skipWhitespace();
            if (peek() != ':') {
                throw new JsonParseException("expecting ':' after member name, found " + describeAt(pos), pos);
            }
            pos++;
            skipWhitespace();
            if (pos == text.length()) {
                throw new JsonParseException("expecting value, found end of input", pos);
            }
            JsonValue v = value();
            if (members.putIfAbsent(name, v) != null) {
                throw new JsonParseException("duplicate member '" + snippet(name) + "'", namePos);
            }
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                depth--;
                return new JsonObject(members);
            } else {
                throw new JsonParseException("expecting ',' or '}' in object, found " + describeAt(pos), pos);
            }
        }
    }

    private JsonArray array() throws JsonParseException {
        enter();
        pos++; // '['
        List<JsonValue> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            depth--;
            return new JsonArray(elements);
        }
        while (true) {
            skipWhitespace();
            if (pos == text.length()) {
                throw new JsonParseException("expecting value, found end of input", pos);
            }
            elements.add(value());
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                depth--;
                return new JsonArray(elements);
            } else {
                throw new JsonParseException("expecting ',' or ']' in array, found " + describeAt(pos), pos);
            }
        }
    }

    private void enter() throws JsonParseException {
        if (++depth > limits.maxDepth()) {
            throw new JsonParseException("nesting deeper than " + limits.maxDepth() + " levels", pos);
        }
    }

    private String string() throws JsonParseException {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = null;
        int runStart = pos;
        while (true) {
            if (pos >= text.length()) {
                throw new JsonParseException("unterminated string starting", start);
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(runStart, pos) : sb.append(text, runStart, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) {
                throw new JsonParseException(String.format("control character U+%04X in string", (int) c), pos);
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(text, runStart, pos);
                pos++;
                if (pos >= text.length()) {
                    throw new JsonParseException("unterminated string starting", start);
                }
                char e = text.charAt(pos);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> sb.append(unicodeEscape());
                    default -> throw new JsonParseException("invalid escape '\\" + printable(e) + "'", pos - 1);
                }
                pos++;
                runStart = pos;
            } else {
                pos++;
            }
        }
    }

    /** Reads the 4 hex digits after {@code \\u}; leaves {@code pos} on the last one. */
    private char unicodeEscape() throws JsonParseException {
        int escapeStart = pos - 1;
        if (pos + 4 >= text.length()) {
            throw new JsonParseException("incomplete \\u escape", escapeStart);
        }
        int v = 0;
        for (int i = 1; i <= 4; i++) {
            int d = hexValue(text.charAt(pos + i));
            if (d < 0) {
                throw new JsonParseException("invalid \\u escape, expecting 4 hex digits", escapeStart);
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private JsonValue number() throws JsonParseException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            throw new JsonParseException("invalid number '" + snippet(token(start)) + "'", start);
        }
        if (text.charAt(pos) == '0') {
            pos++;
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                throw new JsonParseException("invalid number '" + snippet(token(start)) + "' (leading zero)", start);
            }
        } else {
            digits();
        }
        boolean integral = true;
        if (pos < text.length() && text.charAt(pos) == '.') {
            integral = false;
            pos++;
            if (pos >= text.length() || !isDigit(text.charAt(pos))) {
                throw new JsonParseException("invalid number '" + snippet(token(start)) + "' (no digit after '.')", start);
            }
            digits();
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            integral = false;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos >= text.length() || !isDigit(text.charAt(pos))) {
                throw new JsonParseException("invalid number '" + snippet(token(start)) + "' (no digit in exponent)", start);
            }
            digits();
        }
        if (pos < text.length() && !isDelimiter(text.charAt(pos))) {
            throw new JsonParseException("invalid number '" + snippet(token(start)) + "'", start);
        }
        String literal = text.substring(start, pos);
        if (integral) {
            try {
                return new JsonLong(Long.parseLong(literal));
            } catch (NumberFormatException beyondLong) {
                // fall through: kept as a double, as QEMU keeps integers beyond uint64
            }
        }
        double d = Double.parseDouble(literal);
        if (!Double.isFinite(d)) {
            throw new JsonParseException("number '" + snippet(literal) + "' out of range", start);
        }
        return new JsonDouble(d);
    }

    private void digits() {
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private JsonValue keyword() throws JsonParseException {
        int start = pos;
        String word = token(start);
        pos = start + word.length();
        return switch (word) {
            case "true" -> JsonBoolean.TRUE;
            case "false" -> JsonBoolean.FALSE;
            case "null" -> JsonNull.INSTANCE;
            default -> {
                if (word.isEmpty()) {
                    throw new JsonParseException("unexpected " + describeAt(start), start);
                }
                throw new JsonParseException("invalid keyword '" + snippet(word) + "'", start);
            }
        };
    }

    /** The run of non-delimiter characters starting at {@code start}. */
    private String token(int start) {
        int end = start;
        while (end < text.length() && !isDelimiter(text.charAt(end))) {
            end++;
        }
        return text.substring(start, end);
    }

    private static boolean isDelimiter(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{' || c == '}' || c == '[' || c == ']'
                || c == ',' || c == ':' || c == '"' || c < 0x20;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private String describeAt(int at) {
        if (at >= text.length()) {
            return "end of input";
        }
        return "'" + printable(text.charAt(at)) + "'";
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static String snippet(String s) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(s.length(), SNIPPET);
        for (int i = 0; i < n; i++) {
            sb.append(printable(s.charAt(i)));
        }
        if (s.length() > SNIPPET) {
            sb.append("...");
        }
        return sb.toString();
    }

    private static long firstMalformed(byte[] utf8, int length) {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8, 0, length);
        var out = java.nio.CharBuffer.allocate(Math.max(16, length));
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : -1;
    }
}
