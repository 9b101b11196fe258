package dev.switchover.migration.qapi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * The one Jackson set-up for QEMU's JSON, shared by the QMP server, the QMP client and the
 * reports: values are Jackson trees ({@link ObjectNode}, {@link ArrayNode}, ...) made by one
 * node factory, written the way QEMU writes them and read strictly, within bounds.
 *
 * <p>Writing ({@link #write}): one line, a space after every {@code :} and {@code ,}
 * ({@code {"return": {}, "id": 1}}), members in insertion order, strings escaped to pure ASCII
 * as QEMU does (the short escapes, and a backslash, {@code u} and four hex digits for other control characters,
 * DEL and everything beyond ASCII), doubles with the fewest digits that read back the same
 * ({@code 1073.93616}; an integral double without fraction, {@code 0}; an exponent only beyond
 * 10^16 or below 10^-4, {@code 1.5e+20}), like C's {@code %.17g} without its noise digits.
 *
 * <p>Reading ({@link #parse}, {@link JsonDocumentReader}): strict RFC 8259 (no comments,
 * trailing commas, single quotes, leading zeros, raw control characters in strings or
 * duplicate member names), bounded by {@link StreamReadConstraints} (nesting depth, document
 * and string length). Integers that fit a {@code long} become {@code LongNode}s, larger ones
 * stay exact as {@code BigIntegerNode}s (QEMU's uint64 figures); numbers with a fraction or
 * exponent are doubles, and one whose magnitude overflows a double is an error. Errors are
 * {@link MalformedJsonException}s whose message is short, names the problem and its offset,
 * and never carries Jackson's own text.
 *
 * <p>Thread-safe; the nodes it makes are not (build a value on one thread, then share it only
 * after it is complete, or not at all).
 */
public final class QmpJson {

    /** 64 levels, 1 MiB documents and strings: generous for QMP, small enough for many clients at once. */
    public static final StreamReadConstraints DEFAULT_LIMITS = limits(64, 1 << 20);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory WRITER_FACTORY = new JsonFactoryBuilder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .characterEscapes(new QemuEscapes())
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(WRITER_FACTORY);
    private static final DefaultPrettyPrinter QEMU_SPACING = qemuSpacing();
    private static final JsonFactory DEFAULT_READER = readerFactory(DEFAULT_LIMITS);

    private QmpJson() {
    }

    /**
     * Bounds for reading JSON from an untrusted peer: how deeply values may nest and how large
     * one document (and so any string in it) may be, so a hostile peer can exhaust neither the
     * stack nor the heap.
     *
     * @param maxDepth         the deepest nesting of objects and arrays accepted (1 = a flat object)
     * @param maxDocumentBytes the largest document accepted, in UTF-8 bytes
     * @throws IllegalArgumentException if a bound is not positive
     */
    public static StreamReadConstraints limits(int maxDepth, int maxDocumentBytes) {
        if (maxDepth < 1 || maxDocumentBytes < 1) {
            throw new IllegalArgumentException("JSON limits must be positive, not depth " + maxDepth + " and "
                    + maxDocumentBytes + " bytes");
        }
        return StreamReadConstraints.builder().maxNestingDepth(maxDepth).maxDocumentLength(maxDocumentBytes)
                .maxStringLength(maxDocumentBytes).maxNameLength(maxDocumentBytes).build();
    }

    /** A new, empty object; members keep the order they are put in. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** A new, empty array. */
    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /**
     * {@code value} on one line, as QEMU's QMP writes it.
     *
     * @throws IllegalArgumentException if {@code value} holds a NaN or infinite double (JSON can not carry it)
     */
    public static String write(JsonNode value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new QemuNumbers(WRITER_FACTORY.createGenerator(out))) {
            g.setPrettyPrinter(QEMU_SPACING.createInstance());
            MAPPER.writeTree(g, value);
        } catch (IOException e) {
            if (e.getCause() instanceof IllegalArgumentException nonFinite) {
                throw nonFinite; // Jackson wraps what formatDouble throws
            }
            throw new UncheckedIOException("writing JSON to a string", e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * Reads {@code text}, which must hold exactly one JSON value, within {@link #DEFAULT_LIMITS}.
     * Offsets in error messages count UTF-8 bytes.
     */
    public static JsonNode parse(String text) throws MalformedJsonException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return parse(DEFAULT_READER, utf8, utf8.length);
    }

    /**
     * What kind of value {@code v} is, in the words QEMU's error messages use: {@code object},
     * {@code array}, {@code string}, {@code integer}, {@code number}, {@code boolean} or {@code null}.
     */
    public static String typeName(JsonNode v) {
        return switch (v.getNodeType()) {
            case OBJECT, POJO -> "object";
            case ARRAY -> "array";
            case STRING, BINARY -> "string";
            case NUMBER -> v.isIntegralNumber() ? "integer" : "number";
            case BOOLEAN -> "boolean";
            case NULL, MISSING -> "null";
        };
    }

    /** A factory for parsers that read strictly within {@code limits}. */
    static JsonFactory readerFactory(StreamReadConstraints limits) {
        return JsonFactory.builder()
                .streamReadConstraints(limits)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // names from untrusted peers are not interned (Jackson's own symbol table is bounded)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
    }

    /** Reads {@code utf8[0..length)}, which must hold exactly one JSON value. */
    static JsonNode parse(JsonFactory factory, byte[] utf8, int length) throws MalformedJsonException {
        long maxLength = factory.streamReadConstraints().getMaxDocumentLength();
        if (maxLength >= 0 && length > maxLength) {
            throw new MalformedJsonException("document larger than " + maxLength + " bytes", -1);
        }
        try (JsonParser p = factory.createParser(utf8, 0, length)) {
            try {
                if (p.nextToken() == null) {
                    throw new MalformedJsonException("expecting value", 0);
                }
                JsonNode value = readValue(p);
                if (p.nextToken() != null) {
                    throw new MalformedJsonException("unexpected '" + JsonErrors.snippet(p.getText())
                            + "' after the value", p.currentTokenLocation().getByteOffset());
                }
                return value;
            } catch (JsonProcessingException e) {
                throw JsonErrors.translate(e, p, utf8, length);
            } catch (IllegalStateException e) {
                // Jackson's defence against names crafted to collide in its symbol table
                throw new MalformedJsonException("malformed JSON", p.currentLocation().getByteOffset(), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading JSON from a byte array", e); // only parse errors happen here
        }
    }

    /** The value whose first token is the parser's current one; recursion is bounded by the nesting limit. */
    private static JsonNode readValue(JsonParser p) throws IOException, MalformedJsonException {
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = object();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    o.set(name, readValue(p));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = array();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(readValue(p));
                }
                yield a;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) { // as Jackson's readTree: the smallest exact node
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> {
                double d = p.getDoubleValue();
                if (!Double.isFinite(d)) {
                    throw new MalformedJsonException("number '" + JsonErrors.snippet(p.getText()) + "' out of range",
                            p.currentTokenLocation().getByteOffset());
                }
                yield NODES.numberNode(d);
            }
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IllegalStateException("a value can not start with " + p.currentToken());
        };
    }

    /**
     * A finite double in QEMU's style: shortest round-trip digits, fixed-point for decimal
     * exponents -4..16, otherwise {@code d.ddde±XX}.
     *
     * @throws IllegalArgumentException if {@code d} is NaN or infinite (JSON can not carry it)
     */
    static String formatDouble(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("JSON numbers must be finite, not " + d);
        }
        if (d == 0) {
            return "0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent >= -4 && exponent < 17) {
            return bd.toPlainString();
        }
        String digits = bd.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder(bd.signum() < 0 ? "-" : "").append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        int abs = Math.abs(exponent);
        return sb.append('e').append(exponent < 0 ? '-' : '+').append(abs < 10 ? "0" : "").append(abs).toString();
    }

    /** {@code {"a": 1, "b": [1, 2]}}: QEMU's separators, no line breaks, {@code {}} and {@code []} when empty. */
    private static DefaultPrettyPrinter qemuSpacing() {
        DefaultPrettyPrinter p = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEntrySpacing(Separators.Spacing.AFTER)
                .withArrayValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator(""));
        p.indentArraysWith(DefaultPrettyPrinter.NopIndenter.instance);
        p.indentObjectsWith(DefaultPrettyPrinter.NopIndenter.instance);
        return p;
    }

    /** Jackson's escapes plus DEL, which QEMU escapes too (ESCAPE_NON_ASCII covers the rest). */
    private static final class QemuEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        QemuEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null; // only standard escapes are used
        }
    }

    /** Writes doubles with {@link #formatDouble}; everything else as Jackson does. */
    private static final class QemuNumbers extends JsonGeneratorDelegate {
        QemuNumbers(JsonGenerator g) {
            super(g, false);
        }

        @Override
        public void writeNumber(double v) throws IOException {
            delegate.writeNumber(formatDouble(v));
        }

        @Override
        public void writeNumber(float v) throws IOException {
            writeNumber((double) v);
        }
    }
}
