package dev.switchover.migration.qapi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Jackson's parse errors into the short texts a QMP client gets after
 * {@code JSON parse error, }: {@code invalid keyword 'bad' at offset 12},
 * {@code expecting a member name (a string), found '}' at offset 27}. Jackson's own messages
 * name its classes and settings and echo raw input, so they never reach a user; a problem this
 * table does not know becomes {@code malformed JSON at offset N}.
 *
 * <p>Offsets count bytes from the start of the document and point at the offending character
 * or token (Jackson's location is one past it for some problems; corrected here).
 */
final class JsonErrors {

    private static final int SNIPPET = 32;
    private static final Pattern LIMIT =
            Pattern.compile("^(.+?) (?:length|depth) \\((\\d+)\\) exceeds the maximum allowed \\((\\d+)");
    /** {@code Unexpected character ('}' (code 125)): was expecting ...} and {@code Unexpected close marker '}': ...}. */
    private static final Pattern CHARACTER =
            Pattern.compile("^Unexpected (?:character \\(.*?\\(code (\\d+)[^)]*\\)\\)|close marker '(.)')(.*)", Pattern.DOTALL);
    private static final Pattern TOKEN = Pattern.compile("^Unrecognized token '(.*)': was expecting", Pattern.DOTALL);
    private static final Pattern CONTROL = Pattern.compile("^Illegal (unquoted )?character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    private static final Pattern ESCAPE = Pattern.compile("^Unrecognized character escape .*?\\(code (\\d+)\\)");
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate (?:field|Object property) '(.*)'", Pattern.DOTALL);

    /** What Jackson says after an unexpected character (first match wins), and what a client is told. */
    private static final List<Map.Entry<String, String>> EXPECTING = List.of(
            Map.entry("in numeric value", "invalid number"),
            Map.entry("double-quote to start field name", "expecting a member name (a string)"),
            Map.entry("a colon to separate", "expecting ':' after member name"),
            Map.entry("comma to separate Object entries", "expecting ',' or '}' in object"),
            Map.entry("expected '}'", "expecting ',' or '}' in object"),
            Map.entry("comma to separate Array entries", "expecting ',' or ']' in array"),
            Map.entry("expected ']'", "expecting ',' or ']' in array"),
            Map.entry("expected a valid value", "expecting value"),
            Map.entry("expected a value", "expecting value"),
            Map.entry("no open ", "expecting value"),
            Map.entry("hex-digit", "invalid \\u escape"),
            Map.entry("root-level values", "expecting the end of the value"));

    private JsonErrors() {
    }

    /** The clean form of {@code e}, thrown by {@code p} while reading {@code doc[0..length)}. */
    static MalformedJsonException translate(JsonProcessingException e, JsonParser p, byte[] doc, int length) {
        String m = Objects.requireNonNullElse(e.getOriginalMessage(), "");
        long token = p.currentTokenLocation().getByteOffset();
        long at = e.getLocation() == null ? token : e.getLocation().getByteOffset();
        Matcher x;
        if (e instanceof StreamConstraintsException && (x = LIMIT.matcher(m)).find()) {
            return switch (x.group(1)) {
                case "Document nesting" -> new MalformedJsonException(
                        "nesting deeper than " + x.group(3) + " levels", token, e);
                case "Document" -> MalformedJsonException.tooLarge(Long.parseLong(x.group(3)), e);
                default -> new MalformedJsonException(
                        x.group(1).toLowerCase(Locale.ROOT) + " longer than " + x.group(3) + " characters", at, e);
            };
        }
        if (e instanceof JsonEOFException) {
            return new MalformedJsonException("unexpected end of input", at, e);
        }
        if ((x = CHARACTER.matcher(m)).find()) {
            String found = x.group(1) != null ? quote(Integer.parseInt(x.group(1))) : "'" + x.group(2) + "'";
            String rest = x.group(3);
            String problem = EXPECTING.stream().filter(k -> rest.contains(k.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse("unexpected character");
            return new MalformedJsonException(problem + ", found " + found, at, e);
        }
        if ((x = TOKEN.matcher(m)).find()) {
            return new MalformedJsonException("invalid keyword '" + snippet(x.group(1)) + "'",
                    tokenStart(doc, length, x.group(1), at), e);
        }
        if ((x = CONTROL.matcher(m)).find()) {
            int c = Integer.parseInt(x.group(2));
            return x.group(1) != null
                    ? new MalformedJsonException(String.format("control character U+%04X in string", c), at, e)
                    : new MalformedJsonException("unexpected " + quote(c), at - 1, e);
        }
        if ((x = ESCAPE.matcher(m)).find()) {
            return new MalformedJsonException("invalid escape '\\" + printable(Integer.parseInt(x.group(1))) + "'",
                    at - 1, e);
        }
        if ((x = DUPLICATE.matcher(m)).find()) {
            return new MalformedJsonException("duplicate member '" + snippet(x.group(1)) + "'", at, e);
        }
        if (m.startsWith("Invalid UTF-8")) {
            return new MalformedJsonException("invalid UTF-8", at - 1, e);
        }
        if (m.startsWith("Invalid numeric value") || m.startsWith("Numeric value")) {
            return new MalformedJsonException("invalid number", token, e);
        }
        return new MalformedJsonException("malformed JSON", at, e);
    }

    /** {@code s} for a message: control characters escaped, cut after 32 characters. */
    static String snippet(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(SNIPPET).forEach(c -> sb.append(printable(c)));
        return s.codePointCount(0, s.length()) > SNIPPET ? sb.append("...").toString() : sb.toString();
    }

    private static String quote(int c) {
        return "'" + printable(c) + "'";
    }

    private static String printable(int c) {
        return c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : Character.toString(c);
    }

    /**
     * Where the reported token starts. Jackson locates it at its start or a little after (by
     * its multi-byte characters), so the token's bytes are looked for backwards from there.
     */
    private static long tokenStart(byte[] doc, int length, String token, long at) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        for (long i = Math.min(at, length - t.length); i >= Math.max(0, at - t.length); i--) {
            if (Arrays.equals(doc, (int) i, (int) i + t.length, t, 0, t.length)) {
                return i;
            }
        }
        return at;
    }
}
